/** The alerts service: rules over windows, the alert lifecycle, notifications. */
export { createAlertsService, startAlertsService, type AlertsService, type AlertsServiceOptions, type AlertsHealth } from './service.ts';
export { AlertEngine, type EngineOptions, type EngineHealth } from './engine.ts';
export { RuleBook, parseRulesConfig, parseDuration, rulesConfigSchema, ruleOverrideSchema, type RulesConfig, type RulesParse } from './rules-config.ts';
export { Publisher, type NotificationSink, type AlertPublish } from './publisher.ts';
export { buildNotification, alertEventOf, standardBlock } from './notification.ts';
export { StateDeliveryLog } from './delivery-log.ts';
export { DeviceDirectory } from './directory.ts';
export { SeriesStore } from './series.ts';
export { createEngineMetrics, type EngineMetrics } from './metrics.ts';
export { loadAlertsConfig, parseAlertsConfig, AlertsConfigError, type AlertsConfig, type EngineSettings } from './config.ts';
export { createNotificationDispatcher, storeConfiguredRouting, loadStoredRouting, type NotificationDispatcher, type NotificationDispatcherOptions } from './routing-store.ts';
export * from './notify/index.ts';
