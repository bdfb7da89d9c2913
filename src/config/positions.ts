import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair } from 'yaml';

export type ConfigPath = ReadonlyArray<string | number>;

/** A place in the config file, ready for a Diagnostic. */
export interface Place {
  line: number;
  col: number;
  lineText: string;
}

/**
 * Maps config paths (`['functions', 'api', 'memory']`) to `line:col` in the source, using the
 * ranges the yaml parser keeps. For package.json the config lives under `faas`, so every path
 * is looked up below that `base`.
 */
export class SourcePositions {
  private readonly lines: string[];

  constructor(
    private readonly doc: Document.Parsed | Document,
    private readonly lineCounter: LineCounter,
    text: string,
    private readonly base: ConfigPath = [],
  ) {
    this.lines = text.split(/\r?\n/);
  }

  /** Position of an offset in the source (0-based offset). */
  atOffset(offset: number): Place {
    const { line, col } = this.lineCounter.linePos(Math.max(0, offset));
    return { line, col, lineText: this.lines[line - 1] ?? '' };
  }

  /**
   * Where `path` is written. `key` points at the key (`memroy:`), `value` at its value.
   * When the path does not exist (a missing key), the deepest existing parent is used.
   */
  locate(path: ConfigPath, part: 'key' | 'value' = 'value'): Place {
    let node: unknown = this.doc.contents;
    let pair: Pair | undefined;
    let lastOffset = rangeStart(node) ?? 0;
    for (const seg of [...this.base, ...path]) {
      if (isMap(node)) {
        const found = node.items.find((p) => isPair(p) && keyString(p.key) === String(seg));
        if (!found) return this.atOffset(pair ? (rangeStart(pair.key) ?? lastOffset) : lastOffset);
        pair = found as Pair;
        node = found.value;
        lastOffset = rangeStart(found.key) ?? lastOffset;
      } else if (isSeq(node) && typeof seg === 'number' && node.items[seg] !== undefined) {
        pair = undefined;
        node = node.items[seg];
        lastOffset = rangeStart(node) ?? lastOffset;
      } else {
        return this.atOffset(lastOffset);
      }
    }
    if (part === 'key' && pair) return this.atOffset(rangeStart(pair.key) ?? lastOffset);
    return this.atOffset(rangeStart(node) ?? lastOffset);
  }

  /** The source range [start, end) of the value at `path`, when it exists. */
  range(path: ConfigPath): [number, number] | undefined {
    const node = this.doc.getIn([...this.base, ...path], true) as Node | undefined;
    return node && (node as Node).range ? [(node as Node).range![0], (node as Node).range![1]] : undefined;
  }
}

function rangeStart(node: unknown): number | undefined {
  const r = (node as Node | null | undefined)?.range;
  return r ? r[0] : undefined;
}

/** Keys compared as strings: `8080:` and `"8080":` are the same key for us. */
export function keyString(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key);
}
