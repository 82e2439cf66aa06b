const t = setInterval(() => {
  const m = process.memoryUsage();
  process.stderr.write(
    `mem rss=${(m.rss / 1048576) | 0} heapUsed=${(m.heapUsed / 1048576) | 0} heapTotal=${(m.heapTotal / 1048576) | 0} ext=${(m.external / 1048576) | 0} ab=${(m.arrayBuffers / 1048576) | 0}\n`,
  );
}, 1000);
t.unref();
