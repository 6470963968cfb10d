import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { REPO_ROOT } from './services';

export default async function globalTeardown(): Promise<void> {
  const started = (process.env.TEST_STARTED ?? '').split(',');
  if (started.includes('containers')) {
    const { stopContainers } = await import('./containers');
    await stopContainers();
  }
  if (started.includes('kafka-script') && process.env.KEEP_KAFKA !== '1') {
    execFileSync('bash', [path.join(REPO_ROOT, 'scripts/kafka.sh'), 'stop'], { stdio: 'inherit' });
  }
}
