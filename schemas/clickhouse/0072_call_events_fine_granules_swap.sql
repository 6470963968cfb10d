-- The fine-grained table takes the name call_events; the views follow the name (as at 0039).
EXCHANGE TABLES call_events AND call_events_fine_granules
