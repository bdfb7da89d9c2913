import type { Diagnostic } from '../model/diagnostic.js';
import type { TargetName } from '../model/service.js';

/** JSON-only property bag: what the diff compares. Never holds secret values. */
export type Props = Record<string, unknown>;

/** A resource the config wants. Produced by an adapter's pure `desired()`. */
export interface DesiredResource {
  /** Stable logical id within one service and stage, e.g. `function:api`, `queue:orders`. */
  id: string;
  /** Adapter-defined type, e.g. `aws:lambda:function`, `local:function`. */
  type: string;
  props: Props;
  /** Top-level props whose change forces delete-then-create instead of an update. */
  replaceOn?: string[];
  /** Said in the plan with a replacement `replaceOn` forces: what it loses (a table's items). */
  replaceNote?: string;
  /** IAM / identity resource: its changes are highlighted in the plan. */
  security?: boolean;
  /** Ids that must exist before this one (and be deleted after it). */
  dependsOn?: string[];
  /**
   * What apply needs but the diff must not compare (e.g. the local zip path of the code whose
   * sha256 is in props): carried into create/update/replace changes, never diffed.
   */
  inputs?: Props;
}

/** A resource that exists, found by the service and stage tags. Props normalized to the desired shape. */
export interface ObservedResource {
  id: string;
  type: string;
  props: Props;
  /** Cloud identifier (ARN, URL, path). */
  physicalId?: string;
  dependsOn?: string[];
  security?: boolean;
  /** Said in the plan when this resource is deleted: what the delete loses (a table's items). */
  deleteNote?: string;
}

export type ChangeAction = 'create' | 'update' | 'replace' | 'delete' | 'noop';

export interface Change {
  id: string;
  type: string;
  action: ChangeAction;
  /** Why: which fields changed (`memory: 512 -> 1024`), `code sha256 changed`, `not in config`. */
  reasons: string[];
  before?: Props;
  after?: Props;
  physicalId?: string;
  dependsOn: string[];
  security: boolean;
  /** The desired resource's `inputs` (create/update/replace only). */
  inputs?: Props;
}

/** Where a plan was made: account/subscription/project and region. Checked before a saved plan applies. */
export interface Scope {
  target: TargetName;
  service: string;
  stage: string;
  account?: string;
  region?: string;
}

export interface Plan {
  version: 1;
  scope: Scope;
  createdAt: string;
  /** sha256 of the observed state the plan was made against; a saved plan refuses to apply if it moved. */
  observedHash: string;
  changes: Change[];
  warnings: Diagnostic[];
}
