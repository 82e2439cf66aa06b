import type { RequestHandler } from 'express';

/** 127.0.0.0/8 and ::1, also written as IPv4-mapped IPv6 (::ffff:127.0.0.1). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  return v4 === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

/**
 * The /__sandbox pages steer the fakes (fault switches, settling every call) and show every number dialled: only
 * this machine may use them. Both the connection and the client it forwards for (the app trusts X-Forwarded-For
 * from loopback only, so a local reverse proxy is seen through) must be loopback.
 */
export const loopbackOnly: RequestHandler = (req, res, next) => {
  if (isLoopbackAddress(req.socket.remoteAddress) && isLoopbackAddress(req.ip)) {
    next();
    return;
  }
  res.status(403).json({
    error: { code: 'forbidden', message: 'the sandbox pages answer requests from this machine only' },
  });
};
