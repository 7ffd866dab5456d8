export * as workzone from './workzone';
export * as kmdlogic from './kmdlogic';
