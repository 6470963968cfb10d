import { Field, Float, Int, ObjectType } from '@nestjs/graphql';
import {
  camelName,
  EVENT_MEASURE_COLUMNS,
  EventMeasureValues,
  isDecimal,
  MeasureColumnName,
  measureRecord,
  SUMMED_COLUMNS,
  SummedTotals,
} from '@app/catalog';

function options(column: MeasureColumnName) {
  const { description } = measureRecord(column);
  return description ? { description } : {};
}

/**
 * A base for an object type with a field per summed catalogue measure, under its camelCase name:
 * a Float, or exact decimal text. The fields are declared from the catalogue (a decorator applied
 * in a loop), their TypeScript types by a mapped type of it.
 */
export function SummedMeasureFields(): abstract new () => SummedTotals {
  @ObjectType({ isAbstract: true })
  abstract class SummedMeasures {}
  for (const column of SUMMED_COLUMNS) {
    Field(() => (isDecimal(column) ? String : Float), options(column))(SummedMeasures.prototype, camelName(column));
  }
  return SummedMeasures as abstract new () => SummedTotals;
}

/** A base for an object type with an Int field per count the event carries (CallLog). */
export function EventMeasureFields(): abstract new () => EventMeasureValues {
  @ObjectType({ isAbstract: true })
  abstract class EventMeasures {}
  for (const column of EVENT_MEASURE_COLUMNS) {
    Field(() => Int, options(column))(EventMeasures.prototype, camelName(column));
  }
  return EventMeasures as abstract new () => EventMeasureValues;
}
