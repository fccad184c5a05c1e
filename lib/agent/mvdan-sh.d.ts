// The parts of mvdan-sh (mvdan.cc/sh's bash parser compiled to JavaScript) that lib/agent/shell-parse.ts
// uses. Nodes are Go structs; their fields are read one by one and checked there.
declare module 'mvdan-sh' {
  export interface GoNode {
    readonly [field: string]: unknown;
  }
  export const syntax: {
    NewParser(): { Parse(source: string, name: string): GoNode };
    NodeType(node: GoNode): string;
    Walk(node: GoNode, visit: (node: GoNode | null) => boolean): void;
  };
}
