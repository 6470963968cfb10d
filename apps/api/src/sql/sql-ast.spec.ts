import { parseExplainAst, walk } from './sql-ast';

describe('parseExplainAst', () => {
  it('nests nodes by indentation and drops aliases and child counts from names', () => {
    const root = parseExplainAst([
      'SelectWithUnionQuery (children 2)',
      ' ExpressionList (children 1)',
      '  SelectQuery (children 2)',
      '   ExpressionList (children 1)',
      '    Function sleep (alias s) (children 1)',
      '     ExpressionList (children 1)',
      '      Literal UInt64_1',
      '   TablesInSelectQuery (children 1)',
      '    TablesInSelectQueryElement (children 1)',
      '     TableExpression (children 1)',
      '      TableIdentifier usage.calls (alias c)',
      ' Identifier JSONEachRow',
    ]);
    const nodes = [...walk(root)];
    expect(nodes.map((n) => n.type)).toHaveLength(12);
    const table = nodes.find((n) => n.type === 'TableIdentifier')!;
    expect([table.name, table.parent?.type]).toEqual(['usage.calls', 'TableExpression']);
    const fn = nodes.find((n) => n.type === 'Function')!;
    expect([fn.name, fn.parent?.type, fn.children[0].children[0].name]).toEqual([
      'sleep',
      'ExpressionList',
      'UInt64_1',
    ]);
    expect(root.children.map((c) => c.type)).toEqual(['ExpressionList', 'Identifier']);
  });

  it('refuses output with more than one root', () => {
    expect(() => parseExplainAst(['SelectWithUnionQuery', 'SelectWithUnionQuery'])).toThrow('2 roots');
  });
});
