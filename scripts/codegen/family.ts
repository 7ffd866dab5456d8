/**
 * The contact update family as one table (module, construct, WorkZone versions, identifiers, user), from the
 * modules' data (lib/constructs/update-module.ts), for the README and docs/contact-update-family.md (a
 * generated region of each, regions.ts).
 */
import { FIRST_OAUTH_ONLY_VERSION, LAST_KMD_LOGIC_VERSION, outputsOf, type UpdateModule } from '../../lib/constructs/update-module';

/** "KMD Logic Client ID, Client Secret; "Contact update - CPR" Client ID, Client Secret": labels grouped by where they come from. */
function identifiersCell(module: UpdateModule, kmdLogic: boolean): string {
  const outputs = outputsOf(module, kmdLogic);
  const groups = [
    { prefix: 'KMD Logic ', shown: 'KMD Logic ', labels: outputs.filter((o) => o.kmdLogicProp !== undefined).map((o) => o.label) },
    { prefix: `${module.client.client_name}, `, shown: `"${module.client.client_name}" `, labels: outputs.filter((o) => o.oauthClientField !== undefined).map((o) => o.label) },
  ];
  const text = groups
    .filter((g) => g.labels.length > 0)
    .map((g) => (g.labels.every((l) => l.startsWith(g.prefix)) ? g.shown + g.labels.map((l) => l.slice(g.prefix.length)).join(', ') : g.labels.join(', ')))
    .join('; ');
  return `${outputs.length}: ${text}`;
}

/** The table: per module a row with its KMD Logic identifiers and one with `kmdLogic: false`. */
export function familyTable(setups: { readonly [construct: string]: UpdateModule }): string {
  let out = '| module | construct | WorkZone | identifiers (Terraform outputs) | OAuth client user |\n|---|---|---|---|---|\n';
  for (const [construct, module] of Object.entries(setups)) {
    out += `| ${module.name.replace(/ module$/, '')} | \`${construct}\` | up to ${LAST_KMD_LOGIC_VERSION} | ${identifiersCell(module, true)} | \`${module.client.user}\` ("${module.userName}") |\n`;
    out += `| | \`${construct}\`, \`kmdLogic: false\` | ${FIRST_OAUTH_ONLY_VERSION} and later | ${identifiersCell(module, false)} | the same |\n`;
  }
  return out;
}
