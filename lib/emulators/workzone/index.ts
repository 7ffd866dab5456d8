export { startWorkZoneEmulator, DISCOVERY_PATH, type WorkZoneEmulator, type WorkZoneEmulatorOptions } from './server';
export { WorkZoneData, hashSecret, GRANT_TYPES, SEED_USERS, type StoredClient, type StoredUser, type ClientChange, type GrantType } from './data';
export { VARIANTS, DEFAULT_VARIANT, VariantError, variantByName, parseVariantFile, type WorkZoneVariant } from './model';
export { UpdateServiceHealth, UPDATE_SERVICES, HEALTH_PARTS, HEALTH_PATH, HealthSwitchError, parseHealthSwitch, type HealthStatus } from './health';
