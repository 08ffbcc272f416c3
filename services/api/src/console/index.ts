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
