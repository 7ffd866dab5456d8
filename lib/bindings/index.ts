/**
 * The generated bindings of our two providers (low level: one class per provider, resource and data source,
 * named as `cdktf get` names them), one namespace per provider so that their names never meet the constructs'.
 */
export * as workzone from './workzone';
export * as kmdlogic from './kmdlogic';
