export * from './call-event.validator';
export * from './call-event-decoder';
export * from './call-event-row';
export * from './call-event.writer';
export * from './call-event-intake.service';
export * from './call-events.consumer';
export * from './ingest.metrics';
export * from './ingest.module';
