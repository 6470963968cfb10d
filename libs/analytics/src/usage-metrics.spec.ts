import { UsageMetric } from '@app/catalog';
import { measuresFor, metricExpression, metricValue } from './usage-metrics';
import { EMPTY_TOTALS } from './usage-totals';

describe('usage metrics', () => {
  it('ERROR_RATE is errors over requests, null without requests, ranked by the same expression', () => {
    expect(metricValue({ ...EMPTY_TOTALS, requests: 40, errors: 10 }, UsageMetric.ERROR_RATE, 1)).toBe(0.25);
    expect(metricValue(EMPTY_TOTALS, UsageMetric.ERROR_RATE, 1)).toBeNull();
    expect(metricExpression(UsageMetric.ERROR_RATE)).toBe('if(requests > 0, errors / requests, NULL)');
    expect([...measuresFor([UsageMetric.ERROR_RATE])]).toEqual(['errors']);
  });

  it('TTFT quantiles read the time-to-first-token state, null where no call recorded one', () => {
    const t = { ...EMPTY_TOTALS, requests: 3, ttft: [120, 480, 900] as [number, number, number] };
    expect(metricValue(t, UsageMetric.TTFT_P95, 1)).toBe(480);
    expect(metricValue({ ...t, ttft: null }, UsageMetric.TTFT_P99, 1)).toBeNull();
    expect([...measuresFor([UsageMetric.TTFT_P50])]).toEqual(['ttft']);
    expect(metricExpression(UsageMetric.TTFT_P99)).toBe('if(isNaN(ttft_q[3]), NULL, ttft_q[3])');
  });
});
