/**
 * The TypeScript name of an attribute: `allow_offline_access` → `allowOfflineAccess`. The bindings' config
 * properties and the constructs' props are named by it, so a prop and the attribute it sets share a name.
 */
export const camelCase = (name: string): string => name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
