import { BadUserInputError } from '@app/errors';
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

  it('refuses TTFT_P95 by name: the rollups keep no time to first token yet', () => {
    expect(() => measuresFor([UsageMetric.TTFT_P95])).toThrow(BadUserInputError);
    expect(() => metricExpression(UsageMetric.TTFT_P95)).toThrow(/TTFT_P95/);
  });
});
