import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, maskPhone } from '../src/logger.js';

function capture(): { lines: () => Record<string, unknown>[]; stream: Writable } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  });
  return {
    stream,
    lines: () =>
      chunks
        .join('')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
  };
}

describe('logs', () => {
  it('mask phone numbers wherever they appear in a logged object', () => {
    const out = capture();
    const logger = createLogger('info', out.stream);
    logger.info({ contact: { phone: '+15557654321' }, to_number: '+442071838750' }, 'dialling');
    const text = JSON.stringify(out.lines());
    expect(text).not.toContain('5557654321');
    expect(text).not.toContain('2071838750');
    expect(out.lines()[0]).toMatchObject({ contact: { phone: '+15*******21' }, to_number: '+44********50' });
  });

  it('never print tokens or API keys', () => {
    const out = capture();
    const logger = createLogger('info', out.stream);
    logger.info({ portal: { accessToken: 'pat-na1-abcdef123456' }, apiKey: 'sk_0123456789abcdef' }, 'call');
    const text = JSON.stringify(out.lines());
    expect(text).not.toContain('abcdef123456');
    expect(text).not.toContain('0123456789abcdef');
  });

  it('mask a short or odd phone entirely', () => {
    expect(maskPhone('123')).toBe('***');
    expect(maskPhone('(555) 123-4567')).toBe('55******67');
  });
});
