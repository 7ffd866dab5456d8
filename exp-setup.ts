import { buildProviders } from './test/e2e/harness';
import { installProviders } from './lib/providers/mirror';
import { readFileSync, writeFileSync } from 'node:fs';
async function main() {
  buildProviders('/tmp/exp/bundles', ['workzone', 'kmdlogic']);
  const f = '/tmp/exp/bundles/terraform-provider-workzone.js';
  let src = readFileSync(f, 'utf8');
  const shebang = src.startsWith('#!') ? src.slice(0, src.indexOf('\n') + 1) : '';
  const rest = shebang ? src.slice(shebang.length) : src;
  const inject = `{const ts=()=>new Date().toISOString().replace(/\\.(\\d{3})Z$/, '.$1000Z');let n=0;setInterval(()=>{n++;for(const l of ['info','warn','error'])process.stderr.write(JSON.stringify({'@level':l,'@message':'EXP '+l+' line '+n,'@module':'workzone','@timestamp':ts()})+'\\n');process.stderr.write('EXP plain line '+n+'\\n');},2000).unref();}\n`;
  writeFileSync(f, shebang + inject + rest);
  const m = await installProviders({ dir: '/tmp/exp/mirror', bundleDir: '/tmp/exp/bundles', providers: ['workzone', 'kmdlogic'] });
  writeFileSync('/tmp/exp/terraform.rc', m.cliConfig);
}
main();
