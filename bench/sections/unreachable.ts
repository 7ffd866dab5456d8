/**
 * Failing fast against a server that is down (issue 13), with the providers' default budgets
 * (retry_max_seconds = 120, request_timeout_seconds = 30): how long terraform takes to give up, and how
 * many errors it prints. The target: at most one retry budget plus a few seconds (<= 130 s), whatever the
 * number of resources. The same runs with short budgets are asserted in test/e2e/unreachable.test.ts.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyKilledMidway, closedPort, logicConfigurationsHcl, logicSettings, silentServer, timedTerraform, workzoneClientsHcl, type TimedRun } from '../support/unreachable';
import { round } from '../support/stats';
import { COMMANDS } from '../support/terraform';
import type { Row, Section } from '../support/types';

const BUDGET_S = 120;
const TARGET_S = BUDGET_S + 10;

export const unreachableSection: Section = {
  name: 'unreachable',
  title: `Giving up on a server that is down (default budgets: retry ${BUDGET_S} s, request timeout 30 s)`,
  async run(ctx) {
    const tf = await ctx.terraform();
    const count = ctx.quick ? 10 : 50;
    const rows: Row[] = [];
    const figures: Record<string, unknown> = { count };
    const record = (key: string, figure: string, run: TimedRun, target = TARGET_S) => {
      ctx.log(`${figure}: ${run.seconds.toFixed(1)} s, exit ${run.code}, ${run.errors.length} error(s): ${[...new Set(run.errors)].join(' | ').slice(0, 300)}`);
      rows.push({ figure: `${figure} (${run.errors.length} error(s))`, ours: run.seconds, unit: 's', target: `<= ${target} s, fails`, pass: run.seconds <= target && run.code !== 0 });
      figures[key] = { seconds: round(run.seconds, 1), exitCode: run.code, errors: run.errors.length, firstError: run.errors[0] };
    };

    const refused = `http://127.0.0.1:${await closedPort()}`;
    const wzSettings = (url: string) => ({ url, username: 'admin', password: 'unreachable-password' });
    const wz = tf.workdir('unreachable-wz', { 'main.tf': workzoneClientsHcl(tf.bundles, count, 'dead', wzSettings(refused)) });
    await wz.init();
    ctx.log(`WorkZone refused: apply ${count} clients`);
    record('workzoneRefusedApply', `WorkZone, connection refused: apply ${count} new clients`, await timedTerraform(wz.dir, COMMANDS.apply, wz.env));
    record('workzoneRefusedPlan', `WorkZone, connection refused: plan ${count} new clients`, await timedTerraform(wz.dir, COMMANDS.plan, wz.env));

    const silent = await silentServer();
    try {
      const w = tf.workdir('unreachable-wz-silent', { 'main.tf': workzoneClientsHcl(tf.bundles, count, 'dead', wzSettings(silent.url)) });
      await w.init();
      ctx.log(`WorkZone never answers: plan ${count} clients`);
      record('workzoneSilentPlan', `WorkZone accepts, never answers: plan ${count} new clients`, await timedTerraform(w.dir, COMMANDS.plan, w.env));
    } finally {
      await silent.close();
    }

    const logic = tf.workdir('unreachable-logic', { 'main.tf': logicConfigurationsHcl(tf.bundles, count, logicSettings(refused)) });
    await logic.init();
    ctx.log(`KMD Logic refused: apply ${count} configurations`);
    record('logicRefusedApply', `KMD Logic, connection refused: apply ${count} new configurations`, await timedTerraform(logic.dir, COMMANDS.apply, logic.env));
    const logicPlan = tf.workdir('unreachable-logic-plan', { 'main.tf': logicConfigurationsHcl(tf.bundles, count, logicSettings(refused), { dataSource: true }) });
    await logicPlan.init();
    record('logicRefusedPlan', `KMD Logic, connection refused: plan (a subscription data source, ${count} configurations)`, await timedTerraform(logicPlan.dir, COMMANDS.plan, logicPlan.env));

    const killedCount = ctx.quick ? 20 : 40;
    const killed = tf.workdir('unreachable-killed', {});
    ctx.log(`WorkZone killed mid-apply of ${killedCount} clients`);
    const run = await applyKilledMidway({
      dir: killed.dir,
      env: killed.env,
      killAfter: 10,
      latencyMs: 200,
      prepare: async (url, creds) => {
        writeFileSync(join(killed.dir, 'main.tf'), workzoneClientsHcl(tf.bundles, killedCount, 'killed', { url, username: creds.username, password: creds.password }));
        await killed.init();
      },
    });
    record('workzoneKilledApply', `WorkZone killed mid-apply of ${killedCount} clients (after ${run.createdBeforeKill}): whole apply`, run, TARGET_S + 30);
    rows.push({ figure: '  from the kill to the end of the apply', ours: run.afterKillSeconds, unit: 's', target: `<= ${TARGET_S} s`, pass: run.afterKillSeconds <= TARGET_S });
    (figures.workzoneKilledApply as Record<string, unknown>).afterKillSeconds = round(run.afterKillSeconds, 1);
    (figures.workzoneKilledApply as Record<string, unknown>).createdBeforeKill = run.createdBeforeKill;
    return { rows, figures };
  },
};
