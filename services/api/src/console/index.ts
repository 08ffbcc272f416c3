/**
 * The operator console (issue 8): static page at `/` (static-routes.ts, files in services/api/console)
 * and its read models under /v1 (api-routes.ts: site status, device trend, live alert stream).
 * createApi registers both; see README.md in this folder for the choices.
 */
export { consoleStaticRoutes, contentSecurityPolicy, tileOrigin, type ConsoleStaticOptions } from './static-routes.ts';
export { consoleApiRoutes, type ConsoleApiOptions } from './api-routes.ts';
export { AlertFeed, changeOf, type AlertFeedEvent, type AlertFeedListener, type AlertChange, type FeedStatus } from './alert-feed.ts';
export { loadConsoleAssets, CONSOLE_DIR, type ConsoleAssets } from './assets.ts';
export { buildReference, type ConsoleReference, type ConsoleSettings } from './reference.ts';
export { computeSiteStatus, SITE_STATUS_METHOD, type SiteStatusOut } from './site-status.ts';
export { computeTrend, chartStandard, TREND_RANGES, type TrendOut, type TrendRange } from './trend.ts';

/** How createApi serves the console (CreateApiOptions.console). */
export interface ConsoleOptions {
  /** slippy-map tile URL template with {z}/{x}/{y} (TILE_URL); default none: the map is drawn from coordinates only */
  tileUrl?: string | undefined;
  /** attribution text shown under tiled maps (TILE_ATTRIBUTION) */
  tileAttribution?: string | undefined;
  /** how often the live alert stream reads the alert store (default 2000 ms) */
  alertPollIntervalMs?: number | undefined;
}
