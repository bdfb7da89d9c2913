// Types of scripts/build-action.mjs, for the tests that import it (test/action/bundle.test.ts).
export declare const ROOT: string;
/** Everything the prebuilt action is made of, built from the sources: path relative to the repository -> bytes. */
export declare function actionFiles(): Promise<Map<string, Buffer>>;
/** What differs between `files` and the tree at `root`: `missing: …`, `out of date: …`, `not built from the sources (extra): …`. */
export declare function differences(files: Map<string, Buffer>, root?: string): string[];
/** Write `files` under `root`, replacing dist/action/. */
export declare function writeAction(files: Map<string, Buffer>, root?: string): void;
