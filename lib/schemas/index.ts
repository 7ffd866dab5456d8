export * from './types';
export * from './rules';
export * from './names';
export * from './workzone';
export * from './kmdlogic';
export * from './http';
