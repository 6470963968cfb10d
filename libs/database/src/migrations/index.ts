import { ModelPrices1000000000001 } from './1000000000001-ModelPrices';
import { TeamLifecycle1000000000002 } from './1000000000002-TeamLifecycle';
import { AccessTokenLifetime1000000000003 } from './1000000000003-AccessTokenLifetime';
import { SqlAuditAndSavedQueries1000000000004 } from './1000000000004-SqlAuditAndSavedQueries';
import { AlertsBudgetsWebhooks1000000000016 } from './1000000000016-AlertsBudgetsWebhooks';
import { AnomalyIncidents1000000000017 } from './1000000000017-AnomalyIncidents';
import { KeySuspensionAndTeamQuotas1000000000018 } from './1000000000018-KeySuspensionAndTeamQuotas';
import { PeriodCloseAndRepricing1000000000019 } from './1000000000019-PeriodCloseAndRepricing';
import { KeyStateNotify1000000000020 } from './1000000000020-KeyStateNotify';
import { AnomalyAlertMarks1000000000021 } from './1000000000021-AnomalyAlertMarks';

/** Every Postgres migration, in order. Forward-only: add a file, never edit an applied one. */
export const POSTGRES_MIGRATIONS = [
  ModelPrices1000000000001,
  TeamLifecycle1000000000002,
  AccessTokenLifetime1000000000003,
  SqlAuditAndSavedQueries1000000000004,
  AlertsBudgetsWebhooks1000000000016,
  AnomalyIncidents1000000000017,
  KeySuspensionAndTeamQuotas1000000000018,
  PeriodCloseAndRepricing1000000000019,
  KeyStateNotify1000000000020,
  AnomalyAlertMarks1000000000021,
];
