/**
 * Issue #8 "Beyond": the fixed cost of a terraform command with long-lived providers
 * (TF_REATTACH_PROVIDERS, docs/long-lived-providers.md) against the normal mode, where terraform starts
 * the provider 3–5 times per command, and against the built-in terraform_data (the floor: no provider).
 *
 * Measured like the scale section: the 1-client cycle plan, apply, no-change plan, destroy against the
 * WorkZone emulator (medians of several cycles), plus `validate` and `plan` of a configuration with the
 * provider block and no resources (pure fixed cost). The long-lived providers are started the way
 * `workzone-cpr providers serve` starts them (launchProviders), from the same bundles.
 */
import { startWorkZoneEmulator } from '../../lib/emulators/workzone';
import { launchProviders, stopProviders } from '../../lib/providers/plugin/reattach';
import { oauthClientsConfig, providerSource, terraformDataConfig } from '../support/configs';
import { median, round, samples } from '../support/stats';
import { COMMANDS, type BenchWorkdir } from '../support/terraform';
import type { Row, Section } from '../support/types';

type Step = keyof typeof COMMANDS;
const STEPS: readonly Step[] = ['plan', 'apply', 'noChangePlan', 'destroy'];
const LABEL: Record<Step, string> = { plan: 'plan', apply: 'apply', noChangePlan: 'no-change plan', destroy: 'destroy' };
const MODES = ['normal', 'reattach', 'floor'] as const;
type Mode = (typeof MODES)[number];

const emptyConfig = (bundles: string) => {
  const { source, version } = providerSource(bundles, 'workzone');
  return `terraform {\n  required_providers {\n    workzone = { source = "${source}", version = "${version}" }\n  }\n}\n\nprovider "workzone" {}\n`;
};

export const reattachSection: Section = {
  name: 'reattach',
  title: 'Long-lived providers (TF_REATTACH_PROVIDERS): fixed cost per command vs normal mode and terraform_data',
  async run(ctx) {
    const tf = await ctx.terraform();
    const cycles = ctx.quick ? 1 : 5;
    const runs = ctx.quick ? 2 : 9;
    const wz = await startWorkZoneEmulator({ port: 0 });
    const settings = { WORKZONE_URL: wz.url, WORKZONE_USERNAME: wz.username, WORKZONE_PASSWORD: wz.password };
    // A failed launch must not leave the emulator holding the bench open.
    const launched = await launchProviders({ bundleDir: tf.bundles, detached: false, idleTimeoutS: 600, env: { ...process.env, ...settings } }).catch(async (error: unknown) => {
      await wz.close();
      throw error;
    });
    const reattachEnv = { TF_REATTACH_PROVIDERS: JSON.stringify(launched.providers) };
    const pids = Object.values(launched.providers).map((p) => p.Pid);

    const cycle: Record<Mode, Record<Step, number[]>> = { normal: {} as any, reattach: {} as any, floor: {} as any };
    const fixed: Record<Mode, { validate: number[]; emptyPlan: number[] }> = { normal: {} as any, reattach: {} as any, floor: {} as any };
    try {
      const one: Record<Mode, BenchWorkdir> = {
        normal: tf.workdir('reattach-normal-1', { 'main.tf': oauthClientsConfig(tf.bundles, 1, 'normal') }, settings),
        reattach: tf.workdir('reattach-reattach-1', { 'main.tf': oauthClientsConfig(tf.bundles, 1, 'reattach') }, reattachEnv),
        floor: tf.workdir('reattach-floor-1', { 'main.tf': terraformDataConfig(1, 'floor') }),
      };
      const empty: Record<Mode, BenchWorkdir> = {
        normal: tf.workdir('reattach-normal-0', { 'main.tf': emptyConfig(tf.bundles) }, settings),
        reattach: tf.workdir('reattach-reattach-0', { 'main.tf': emptyConfig(tf.bundles) }, reattachEnv),
        floor: tf.workdir('reattach-floor-0', { 'main.tf': terraformDataConfig(0, 'floor') }),
      };
      for (const mode of MODES) {
        await one[mode].init();
        await empty[mode].init();
        for (const step of STEPS) cycle[mode][step] = [];
      }
      for (let i = 0; i < cycles; i++) {
        ctx.log(`1-client cycle ${i + 1}/${cycles}`);
        for (const mode of MODES) for (const step of STEPS) cycle[mode][step].push(await one[mode].time(COMMANDS[step]));
      }
      if (wz.data.listClients().length !== 0) throw new Error(`${wz.data.listClients().length} clients left in WorkZone after destroy`);
      ctx.log(`validate and empty plan, ${runs} runs each`);
      for (const mode of MODES) {
        fixed[mode].validate = await samples(runs, () => empty[mode].tf(['validate', '-no-color']));
        fixed[mode].emptyPlan = await samples(runs, () => empty[mode].tf(['plan', '-input=false', '-no-color']));
      }
      // The whole run went to the long-lived processes: had one died, terraform would have failed above.
      for (const pid of pids) process.kill(pid, 0);
    } finally {
      await stopProviders(launched.providers);
      await wz.close();
    }

    const rows: Row[] = [];
    const figures: Record<string, unknown> = { cycles, runs };
    const add = (key: string, figure: string, values: Record<Mode, number[]>) => {
      const m = Object.fromEntries(MODES.map((mode) => [mode, median(values[mode])])) as Record<Mode, number>;
      rows.push({ figure: `${figure}: normal mode (median of ${values.normal.length})`, ours: m.normal, floor: m.floor, floorLabel: 'terraform_data', unit: 's' });
      rows.push({ figure: `${figure}: long-lived (median of ${values.reattach.length})`, ours: m.reattach, floor: m.floor, floorLabel: 'terraform_data', unit: 's' });
      rows.push({ figure: `${figure}: normal / long-lived`, ours: m.normal / m.reattach, unit: 'x' });
      figures[key] = {
        normalS: round(m.normal),
        reattachS: round(m.reattach),
        floorS: round(m.floor),
        reattachOverFloor: round(m.reattach / m.floor, 2),
        normalOverFloor: round(m.normal / m.floor, 2),
        speedup: round(m.normal / m.reattach, 2),
      };
    };
    for (const step of STEPS) add(`${step}1S`, `1 client: ${LABEL[step]}`, { normal: cycle.normal[step], reattach: cycle.reattach[step], floor: cycle.floor[step] });
    add('validateEmptyS', 'validate, provider and no resources', { normal: fixed.normal.validate, reattach: fixed.reattach.validate, floor: fixed.floor.validate });
    add('planEmptyS', 'plan, provider and no resources', { normal: fixed.normal.emptyPlan, reattach: fixed.reattach.emptyPlan, floor: fixed.floor.emptyPlan });
    return { rows, figures };
  },
};
