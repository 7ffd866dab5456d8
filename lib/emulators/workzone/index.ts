export { startWorkZoneEmulator, type WorkZoneEmulator, type WorkZoneEmulatorOptions } from './server';
export { WorkZoneData, hashSecret, GRANT_TYPES, SEED_USERS, type StoredClient, type StoredUser, type ClientChange, type GrantType } from './data';
