/**
 * A JSON schema inferred from an example value, with the example kept: the typed 2xx schema of a route whose answer
 * is a plain object (the BytePlus task object, usage reports, audit pages), so code generators get real types
 * rather than `unknown`. Nulls become nullable strings; arrays take the schema of their first item.
 */
export type JsonSchema = Record<string, unknown>;

export function schemaOf(example: unknown, withExample = true): JsonSchema {
  const schema = infer(example);
  return withExample ? { ...schema, example } : schema;
}

function infer(value: unknown): JsonSchema {
  if (value === null || value === undefined) return { type: 'string', nullable: true };
  if (Array.isArray(value)) return { type: 'array', items: value.length > 0 ? infer(value[0]) : {} };
  switch (typeof value) {
    case 'string':
      return { type: 'string' };
    case 'number':
      return { type: Number.isInteger(value) ? 'integer' : 'number' };
    case 'boolean':
      return { type: 'boolean' };
    case 'object': {
      const properties = Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, infer(v)]));
      return { type: 'object', properties };
    }
    default:
      return {};
  }
}
