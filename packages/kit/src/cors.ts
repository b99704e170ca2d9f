// The browser origins allowed to call the gateway's REST API and open live-room sockets: an
// allow-list from CORS_ORIGINS. Requests without an Origin header (curl, k6, other services) are
// not cross-origin browser requests and are left to authentication.
import { z } from 'zod';
import { configTypes } from './config.js';

/** Where the web apps are served in development: the gateway's own port. */
export const DEV_CORS_ORIGINS = ['http://localhost:8080', 'http://127.0.0.1:8080'];

function asOrigin(value: string): string | undefined {
  try {
    const url = new URL(value);
    if ((url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value.replace(/\/$/, '')) return url.origin;
  } catch {
    // not a URL at all
  }
  return undefined;
}

/**
 * CORS_ORIGINS: comma-separated origins, e.g. `https://shop.example.com,https://m.example.com`.
 * Production has no default: a deployment that forgot the variable must not start rather than
 * guess who its browsers are.
 */
export const corsOriginsVar = configTypes.requiredInProduction(
  z
    .string()
    .transform((list, ctx) => {
      const origins: string[] = [];
      for (const entry of list.split(',').map((o) => o.trim()).filter(Boolean)) {
        const parsed = entry === '*' ? undefined : asOrigin(entry);
        if (parsed === undefined) {
          const why = entry === '*' ? "'*' is not allowed: list the web apps' origins" : `${JSON.stringify(entry)} is not an origin (scheme://host[:port])`;
          ctx.addIssue({ code: 'custom', message: why });
          return z.NEVER;
        }
        origins.push(parsed);
      }
      if (origins.length === 0) {
        ctx.addIssue({ code: 'custom', message: "lists no origin: name the web apps' origins" });
        return z.NEVER;
      }
      return origins;
    })
    .optional(),
  "(comma-separated origins of the web apps)",
);

/** The allow-list to enforce: the configured one, or in development the gateway's own origins. */
export function corsAllowList(config: { CORS_ORIGINS?: string[] | undefined }): string[] {
  return config.CORS_ORIGINS ?? DEV_CORS_ORIGINS;
}

/** Whether a request with this Origin header may proceed (no header: not a browser's cross-origin call). */
export function originAllowed(allowList: readonly string[], requestOrigin: string | undefined): boolean {
  return requestOrigin === undefined || allowList.includes(requestOrigin);
}
