/** One node of the engine's `EXPLAIN AST` output. */
export interface AstNode {
  type: string;
  /** The identifier, function or table name the node carries (without alias or child count). */
  name: string;
  parent?: AstNode;
  children: AstNode[];
}

const TRAILER = /\s+\((?:alias [^)]*|children \d+)\)/g;

/**
 * Reads `EXPLAIN AST` lines ("  Function in (children 1)"): one node per line, nested by its
 * indentation of one space per level. Literals are printed quoted and escaped by the engine,
 * so no text of the query can start a line of its own.
 */
export function parseExplainAst(lines: readonly string[]): AstNode {
  const root: AstNode = { type: '', name: '', children: [] };
  const stack: { depth: number; node: AstNode }[] = [{ depth: -1, node: root }];
  for (const line of lines) {
    if (line.trim() === '') continue;
    const depth = line.length - line.trimStart().length;
    const text = line.trim();
    const space = text.indexOf(' ');
    const type = space < 0 ? text : text.slice(0, space);
    const name =
      space < 0
        ? ''
        : text
            .slice(space + 1)
            .replace(TRAILER, '')
            .trim();
    while (stack[stack.length - 1].depth >= depth) stack.pop();
    const parent = stack[stack.length - 1].node;
    const node: AstNode = { type, name, parent: parent === root ? undefined : parent, children: [] };
    parent.children.push(node);
    stack.push({ depth, node });
  }
  if (root.children.length !== 1) throw new Error(`EXPLAIN AST gave ${root.children.length} roots`);
  return root.children[0];
}

export function* walk(node: AstNode): Generator<AstNode> {
  yield node;
  for (const child of node.children) yield* walk(child);
}
