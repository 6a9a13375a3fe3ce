#!/usr/bin/env node
import { formatLocal } from '../time/local-time.js';
import { parseCliArgs } from './cli-options.js';
import { API_PATH, startSimulator } from './server.js';

/** `npm run simulator -- --preset bursty --seed 7 ...`: runs until SIGINT or SIGTERM. */
async function main(): Promise<void> {
  const plan = await parseCliArgs(process.argv.slice(2));
  const simulator = await startSimulator(plan.options);
  const { dataset } = simulator;
  const config = simulator.connectorConfig({ withEndDate: plan.withEndDate });
  if (plan.json) {
    const info = { url: simulator.url, token: simulator.token, server: simulator.wolkvoxServer, config };
    process.stdout.write(`${JSON.stringify(info)}\n`);
  } else {
    const range = `${formatLocal(dataset.settings.from)} to ${formatLocal(dataset.settings.to)}`;
    process.stdout.write(
      [
        `Wolkvox simulator listening on ${simulator.url}`,
        `  data:    preset ${plan.preset}, seed ${plan.options.seed ?? 1}: ${dataset.size} transfers, ${range}`,
        `  api:     GET ${simulator.url}${API_PATH}?api=chat_9&date_ini=YYYYmmddHHiiss&date_end=YYYYmmddHHiiss`,
        `  reports: ${plan.options.reportData ? 'every Reports Manager report (--reports)' : 'chat_9 only; the others answer 404 (add --reports)'}`,
        `  token:   ${simulator.token}   (header wolkvox-token)`,
        `  server:  ${simulator.wolkvoxServer}   (header wolkvox_server)`,
        `  control: GET /__simulator/stats | GET /__simulator/calls | POST /__simulator/append?count=N`,
        `           POST /__simulator/reset | POST /__simulator/maintenance?seconds=N`,
        'Connector config:',
        JSON.stringify(config, null, 2),
        '',
      ].join('\n'),
    );
  }
  const stop = () => {
    simulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});
