import { UNPRICED_AMOUNTS } from '@app/pricing';
import { EVENT_MEASURE_COLUMNS } from '@app/catalog';
import callEventSchema from '../../../schemas/events/call-event.v1.schema.json';
import {
  CALL_EVENT_COLUMNS,
  PERSONAL_SPACE_TEAM_ID,
  toCallEventRow,
  toClickHouseDateTime,
  toColumnValues,
} from './call-event-row';

const event = {
  event_id: '01J9ZK3Q4R5S6T7V8W9X0Y1Z2A',
  occurred_at: '2026-11-22T13:59:00.123+02:00',
  team_id: null,
  user_id: '6f1c2a8e-3b4d-4e5f-8a9b-0c1d2e3f4a5b',
  api_key_id: '7a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d',
  service: 'chat',
  model: 'glm-5',
  model_type: 'text' as const,
  source: 'business' as const,
  input_tokens: 100,
  output_tokens: 20,
  cache_read_tokens: 30,
  cache_write_tokens: 70,
  latency_ms: 250,
  status: 'success' as const,
};

describe('call_events rows', () => {
  const pricing = { ...UNPRICED_AMOUNTS, cost: '1.5', input_cost: '1.5', credits: '150', priceId: 'p1', priced: true };
  const row = toCallEventRow(event, pricing, { partition: 2, offset: '42' });

  it('stores the personal space as the nil team and the time in UTC', () => {
    expect(row.team_id).toBe(PERSONAL_SPACE_TEAM_ID);
    expect(row.occurred_at).toBe('2026-11-22 11:59:00.123');
    expect(toClickHouseDateTime(Date.UTC(2026, 0, 2, 3, 4, 5, 6))).toBe('2026-01-02 03:04:05.006');
  });

  it('copies every count of the catalogue from the event field of its name, 0 for one the event leaves out', () => {
    const schema = callEventSchema as { required: string[]; properties: Record<string, Record<string, unknown>> };
    for (const column of EVENT_MEASURE_COLUMNS) {
      // the contract has the field: a count, required or absent meaning 0
      const field = schema.properties[column];
      const absent = schema.required.includes(column) ? 'required' : field?.default;
      expect({ column, type: field?.type, minimum: field?.minimum, absent }).toEqual({
        column,
        type: 'integer',
        minimum: 0,
        absent: column in event ? 'required' : 0,
      });
      expect({ column, stored: row[column] }).toEqual({
        column,
        stored: column in event ? event[column as 'input_tokens'] : 0,
      });
      const given = toCallEventRow({ ...event, [column]: 12 }, pricing, { partition: 0, offset: '1' });
      expect({ column, stored: given[column] }).toEqual({ column, stored: 12 });
    }
  });

  it('lists every column of the row, in the order the compact insert sends them', () => {
    expect([...CALL_EVENT_COLUMNS].sort()).toEqual(Object.keys(row).sort());
    expect(toColumnValues(row)).toEqual(CALL_EVENT_COLUMNS.map((c) => row[c]));
  });
});
