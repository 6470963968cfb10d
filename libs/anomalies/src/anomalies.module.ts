import { Module } from '@nestjs/common';
import { TeamsModule } from '@app/teams';
import { AnomaliesResolver } from './anomalies.resolver';
import { AnomalyDetectorService } from './anomaly-detector.service';
import { AnomalyIncidents } from './anomaly-incidents';
import { AnomalyReader } from './anomaly-reader';
import { AnomalyStore } from './anomaly.store';

/**
 * Anomaly detection: the live detector over the engine's rollups, incidents in Postgres, the
 * `anomalies` query, and the AnomalyIncidents port other modules subscribe to.
 */
@Module({
  imports: [TeamsModule],
  providers: [AnomalyStore, AnomalyReader, AnomalyIncidents, AnomalyDetectorService, AnomaliesResolver],
  exports: [AnomalyIncidents, AnomalyDetectorService, AnomalyStore, AnomalyReader],
})
export class AnomaliesModule {}
