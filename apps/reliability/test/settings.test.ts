/**
 * Settings faults during polling: the collector answers the polls with a 500, a body that is
 * not JSON, half a body, a valid JSON document that is not a valid settings file, and then a
 * valid but different file. Meanwhile calls run without pause on two clients (one deciding
 * synchronously, one with an asynchronous user storage, so calls are in flight across a swap).
 *
 * Goals: while polls fail, every answer is the last good version's; the different file is
 * swapped in; and no call ever answers something that is not exactly one version's answer
 * (the versions differ in every variation name, weight and variable, so a call that mixed two
 * models would be caught).
 */
import { startCollector } from '@vwo/collector';
import { launch, type UserStorage } from '@vwo/node';
import { expect, it } from 'vitest';
import { SIZES } from './support/config.js';
import { eventually, recordingLogger, sleep } from './support/helpers.js';
import { offLoopbackRequests } from './support/loopback.js';
import { type Row, section } from './support/report.js';
import { SDK_KEY, versionedSettings } from './support/settings.js';

const report = section('settings', 2, 'Settings faults during polling');

const POLL_MS = 1000; // the smallest pollingInterval launch accepts
const USERS = 2000;
const CLIENTS = 2; // both poll: each fault rule answers one poll of each
const MAX_CALLS = 2_000_000; // a bound; the loop stops at the end of the timeline long before
type Version = 1 | 2;

interface Step {
  readonly name: string;
  /** Prepares the collector for the next poll. */
  readonly arm: (c: Awaited<ReturnType<typeof startCollector>>, good: Version) => void;
  /** The poll swaps the version in. */
  readonly swaps: boolean;
}

const other = (v: Version): Version => (v === 1 ? 2 : 1);

const STEPS: Step[] = [
  { name: 'HTTP 500', arm: (c) => c.injectFaults([{ kind: 'status', status: 500, endpoints: 'settings', count: CLIENTS }]), swaps: false },
  {
    name: 'a body that is not JSON',
    arm: (c) => c.injectFaults([{ kind: 'invalid-json', endpoints: 'settings', count: CLIENTS }]),
    swaps: false,
  },
  {
    name: 'a truncated body (half the file)',
    arm: (c) => c.injectFaults([{ kind: 'truncate', endpoints: 'settings', count: CLIENTS }]),
    swaps: false,
  },
  {
    name: 'valid JSON, invalid settings file',
    arm: (c, good) => c.setSettings({ ...versionedSettings(good), campaigns: [{ id: 'x', key: 7, variations: 'none' }] }),
    swaps: false,
  },
  { name: 'a valid, different file', arm: (c, good) => c.setSettings(versionedSettings(other(good))), swaps: true },
];

it('polled settings: bad answers keep the last good settings; a new file is swapped in whole', async () => {
  const collector = await startCollector({ port: 0, host: '127.0.0.1', settings: versionedSettings(1) });
  const log = recordingLogger();
  // An asynchronous storage that never has a record: each call waits for it, so calls are in flight when a poll swaps.
  const slowStorage: UserStorage = {
    get: () => new Promise((resolve) => setTimeout(() => resolve(undefined), Math.random() * 3)),
    set: () => undefined,
  };
  const common = { settingsFile: versionedSettings(1), sdkKey: SDK_KEY, collectorUrl: collector.url, isDevelopmentMode: true } as const;
  const vwo = await launch({ ...common, pollingInterval: POLL_MS, logger: log.logger, logLevel: 'warn' });
  const vwoAsync = await launch({ ...common, pollingInterval: POLL_MS, userStorage: slowStorage, logLevel: 'silent' });

  // What each version answers, from clients that only ever see that version.
  const expected: Record<Version, { ab: (string | null)[]; tag: string[] }> = { 1: { ab: [], tag: [] }, 2: { ab: [], tag: [] } };
  for (const v of [1, 2] as const) {
    const ref = await launch({ settingsFile: versionedSettings(v), isDevelopmentMode: true, logLevel: 'silent' });
    for (let u = 0; u < USERS; u++) {
      expected[v].ab.push(await ref.activate('AB', `user-${u}`));
      expected[v].tag.push(JSON.stringify(await ref.getFeatureVariableValue('FT', 'tag', `user-${u}`)));
    }
    await ref.close();
  }
  const changed = expected[1].ab.filter((a, u) => a?.[0] !== expected[2].ab[u]?.[0]).length;

  // Phases: the answer each call may give. In a swap window both versions are allowed, but only
  // in order (a call started after one that answered the new version must answer it too).
  type Phase = {
    name: string;
    allowed: Version[];
    calls: number;
    good: number;
    other: number;
    neither: number;
    backwards: number;
    /** The newest version the synchronous client answered in this phase. */
    newest: { v: Version | 0 };
  };
  const phases: Phase[] = [];
  let phase: Phase = { name: 'start: version 1', allowed: [1], calls: 0, good: 0, other: 0, neither: 0, backwards: 0, newest: { v: 0 } };
  phases.push(phase);
  const enter = (name: string, allowed: Version[]) => {
    phase = { name, allowed, calls: 0, good: 0, other: 0, neither: 0, backwards: 0, newest: { v: 0 } };
    phases.push(phase);
  };
  const samples: string[] = [];
  let running = true;
  let totalCalls = 0;

  const classify = (p: Phase, u: number, answer: (v: Version) => boolean, newest: { v: Version | 0 }) => {
    p.calls += 1;
    totalCalls += 1;
    const matches = ([1, 2] as const).filter(answer);
    if (matches.length !== 1) {
      p.neither += 1;
      if (samples.length < 5) samples.push(`${p.name}: user-${u} answered neither version`);
      return;
    }
    const v = matches[0]!;
    if (v === p.allowed.at(-1)) p.good += 1;
    else p.other += 1;
    if (p.allowed.length === 2) {
      if (v === p.allowed[1]) newest.v = v;
      else if (newest.v === p.allowed[1]) p.backwards += 1;
    }
  };

  const loop = (async () => {
    let u = 0;
    const started = Date.now();
    while (running && totalCalls < MAX_CALLS && Date.now() - started < 120_000) {
      const p = phase;
      const newest = p.newest;
      for (let k = 0; k < 20; k++, u = (u + 1) % USERS) {
        const user = `user-${u}`;
        const ab = await vwo.activate('AB', user);
        classify(p, u, (v) => expected[v].ab[u] === ab, newest);
        const tag = JSON.stringify(await vwo.getFeatureVariableValue('FT', 'tag', user));
        classify(p, u, (v) => expected[v].tag[u] === tag, newest);
      }
      const asyncUsers = Array.from({ length: 5 }, (_, k) => (u + k * 97) % USERS);
      const answers = await Promise.all(asyncUsers.map((au) => vwoAsync.activate('AB', `user-${au}`)));
      // Calls in flight together may straddle a swap: each must still be exactly one version.
      answers.forEach((answer, k) => {
        classify(p, asyncUsers[k]!, (v) => expected[v].ab[asyncUsers[k]!] === answer, { v: 0 });
      });
      await sleep(1);
    }
  })();

  const polls = () => collector.stats().requests.byEndpoint.settings;
  const timeline: Row[] = [];
  let good: Version = 1;
  const startedAt = Date.now();
  for (let cycle = 0; cycle < SIZES.settingsCycles; cycle++) {
    for (const step of STEPS) {
      const before = polls();
      step.arm(collector, good);
      if (step.swaps) enter(`poll answers ${step.name} (version ${other(good)})`, [good, other(good)]);
      else enter(`poll answers ${step.name} (last good: version ${good})`, [good]);
      await eventually(`poll after "${step.name}"`, () => polls() >= before + CLIENTS, POLL_MS * 3);
      // Let the client read and judge the answer, then keep calling until the next poll is near.
      await sleep(POLL_MS / 2);
      const served = (vwo.settings.raw as { version?: number }).version;
      const servedAsync = (vwoAsync.settings.raw as { version?: number }).version;
      if (step.swaps) good = other(good);
      timeline.push({
        'polls so far (two clients)': polls(),
        'the collector answered': step.name,
        'version served after it (both clients)': `${served} / ${servedAsync}`,
        expected: good,
        ok: served === good && servedAsync === good,
      });
    }
  }
  // A last stretch after the final poll, then stop.
  enter(`after the last poll: version ${good}`, [good]);
  await sleep(POLL_MS / 4);
  running = false;
  await loop;
  const wallMs = Date.now() - startedAt;
  await vwo.close();
  await vwoAsync.close();
  await collector.close();

  const badPolls = STEPS.filter((s) => !s.swaps).length * SIZES.settingsCycles; // logged by the client with the recording logger
  const pollLines = log.lines.filter((l) => l.message.includes('polling:') && l.level !== 'info');
  const neither = phases.reduce((a, p) => a + p.neither, 0);
  const backwards = phases.reduce((a, p) => a + p.backwards, 0);
  const staleInSteady = phases.filter((p) => p.allowed.length === 1).reduce((a, p) => a + p.other, 0);
  const swapsOk = timeline.every((r) => r.ok === true);

  report.table(
    'Calls by phase (activate and getFeatureVariableValue on a synchronous client, activate on a client with an asynchronous storage)',
    phases.map((p) => ({
      phase: p.name,
      calls: p.calls,
      'answered the current version': p.good,
      'answered the previous version': p.other,
      'answered neither (mixed)': p.neither,
      'old after new': p.backwards,
    })),
  );
  report.table('Polls', timeline);
  report.goal(
    'no call sees a mix of two versions',
    neither === 0,
    `${neither} of ${totalCalls} calls`,
    '0 answers that match neither version',
  );
  report.goal(
    'bad polls keep the last good settings',
    staleInSteady === 0,
    `${staleInSteady} answers from another version outside swap windows`,
    '0',
  );
  report.goal(
    'a valid, different file is swapped in',
    swapsOk,
    timeline.map((r) => r['version served after it (both clients)']).join(' → '),
    'each poll leaves the expected version',
  );
  report.goal(
    'a swap is atomic and in order',
    backwards === 0,
    `${backwards} calls answered the old version after one answered the new`,
    '0',
  );
  report.goal(
    'each bad poll logged',
    pollLines.length === badPolls,
    `${pollLines.length} lines for ${badPolls} bad polls`,
    'one line per bad poll (of the client that logs)',
  );
  report.figure('calls', totalCalls);
  report.figure('usersWhoseVariationDiffersBetweenVersions', changed);
  report.note(
    `${totalCalls.toLocaleString('en-US')} calls in ${(wallMs / 1000).toFixed(1)} s over ${timeline.length} polls (pollingInterval ${POLL_MS} ms, the smallest allowed); ` +
      `${changed} of ${USERS} users get a different A/B variation in version 2, and every variable names its version, so a mixed model cannot go unseen.`,
  );
  report.note(
    `Log lines of bad polls: ${pollLines
      .map((l) => `\`${l.message.slice(0, 110)}\``)
      .slice(0, 4)
      .join('; ')}.`,
  );
  if (samples.length > 0) report.note(`Mixed answers: ${samples.join('; ')}`);
  report.figure('offLoopbackRequests', offLoopbackRequests());
  expect(report.missed()).toEqual([]);
});
