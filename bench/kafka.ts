import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { portAnswers, REPO_ROOT } from '../test/harness/services';

/**
 * The local broker for a bench: scripts/kafka.sh starts one unless a broker already answers on
 * KAFKA_PORT (one started from another checkout has its pid file elsewhere, and the script would
 * refuse the taken port).
 */
export async function ensureLocalKafka(): Promise<void> {
  if (await portAnswers('127.0.0.1', Number(process.env.KAFKA_PORT ?? 9092))) return;
  execFileSync('bash', [path.join(REPO_ROOT, 'scripts/kafka.sh'), 'start'], { stdio: 'inherit' });
}
