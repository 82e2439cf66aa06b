import type { Response } from 'express';
import { STATE_TTL_MS } from './authorize.js';
import type { InstallOutcome } from './install-flow.js';

/** A plain page for the person installing the app: what happened and what to do, never a stack trace or token. */
export interface Page {
  readonly status: number;
  readonly title: string;
  readonly message: string;
  /** A link to start the install again. */
  readonly startAgain?: boolean;
}

const APP_NAME = 'AI fundraising calls';

export function installPage(outcome: InstallOutcome): Page {
  switch (outcome.kind) {
    case 'connected':
      return {
        status: 200,
        title: 'Connected',
        message:
          `${outcome.accountName} is connected to ${APP_NAME}. Its properties are being set up in HubSpot; ` +
          'you can close this window and open the app from HubSpot.',
      };
    case 'refused':
      return outcome.error === 'access_denied'
        ? {
            status: 400,
            title: 'Installation cancelled',
            message: `The access request was declined in HubSpot, so nothing was connected.`,
            startAgain: true,
          }
        : {
            status: 400,
            title: 'HubSpot did not complete the installation',
            message: `HubSpot answered: ${outcome.error}${outcome.description ? ` (${outcome.description})` : ''}. Nothing was connected.`,
            startAgain: true,
          };
    case 'invalid_callback':
      return {
        status: 400,
        title: 'Incomplete answer from HubSpot',
        message: 'This page expects HubSpot to send back an authorization code and the installation state.',
        startAgain: true,
      };
    case 'unknown_state':
      return {
        status: 400,
        title: 'This installation link is not valid',
        message: 'It was already used, or it was not started here. Nothing was connected.',
        startAgain: true,
      };
    case 'expired_state':
      return {
        status: 400,
        title: 'This installation link expired',
        message: `An installation must be completed within ${STATE_TTL_MS / 60_000} minutes of starting it. Nothing was connected.`,
        startAgain: true,
      };
    case 'exchange_failed':
      return {
        status: 400,
        title: 'HubSpot did not confirm the installation',
        message:
          'HubSpot did not accept the authorization code, so nothing was connected. If starting again keeps failing, contact support.',
        startAgain: true,
      };
  }
}

export const NOT_INSTALLABLE: Page = {
  status: 404,
  title: 'Nothing to install',
  message: `This ${APP_NAME} service works with one HubSpot account through a private app; it has no OAuth installation.`,
};

export const INTERNAL_ERROR: Page = {
  status: 500,
  title: 'Something went wrong',
  message: 'The installation could not be completed because of a problem on our side. Nothing was connected.',
  startAgain: true,
};

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** Where the page's "start again" link points (the service's /oauth/install), and the id to quote to support. */
export interface PageContext {
  readonly installUrl: string;
  readonly requestId: string;
}

export function renderPage(page: Page, { installUrl, requestId }: PageContext): string {
  const again = page.startAgain
    ? `<p><a href="${escapeHtml(installUrl)}">Start the installation again</a></p>`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)} | ${APP_NAME}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#213343;line-height:1.5}small{color:#7c98b6}</style>
</head>
<body>
<main>
<h1>${escapeHtml(page.title)}</h1>
<p>${escapeHtml(page.message)}</p>
${again}
<p><small>Request ${escapeHtml(requestId)}</small></p>
</main>
</body>
</html>
`;
}

/**
 * Sends a page. The callback's URL carries the code and state: no-referrer keeps them from leaking through a link,
 * no-store keeps them out of caches, and the CSP allows nothing but the inline style.
 */
export function sendPage(res: Response, page: Page, context: PageContext): void {
  res
    .status(page.status)
    .set({
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    })
    .send(renderPage(page, context));
}
