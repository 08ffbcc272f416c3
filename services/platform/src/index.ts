export { startPlatform, PLATFORM_ACCOUNT, type Platform } from './platform.ts';
export { loadConfig, type PlatformConfig } from './config.ts';
export { startDemo, type Demo, type DemoOptions } from './demo.ts';
