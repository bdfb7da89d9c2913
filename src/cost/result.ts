/** The options sls-x compares, in output order. */
export const OPTION_IDS = ['aws-x86', 'aws-arm64', 'azure-consumption', 'azure-flex', 'azure-flex-ready', 'gcp'] as const;
export type OptionId = (typeof OPTION_IDS)[number];

export const OPTION_LABELS: Record<OptionId, string> = {
  'aws-x86': 'AWS Lambda x86',
  'aws-arm64': 'AWS Lambda arm64',
  'azure-consumption': 'Azure Consumption',
  'azure-flex': 'Azure Flex',
  'azure-flex-ready': 'Azure Flex+ready',
  gcp: 'GCP Cloud Run fn',
};

/**
 * Whether `sls-x deploy` can put a service on the option. Azure Consumption is priced for
 * comparison only: sls-x deploys Azure Functions on Flex Consumption.
 */
export const OPTION_DEPLOYABLE: Record<OptionId, boolean> = {
  'aws-x86': true,
  'aws-arm64': true,
  'azure-consumption': false,
  'azure-flex': true,
  'azure-flex-ready': true,
  gcp: true,
};

export const OPTION_TARGET: Record<OptionId, 'aws' | 'azure' | 'gcp'> = {
  'aws-x86': 'aws',
  'aws-arm64': 'aws',
  'azure-consumption': 'azure',
  'azure-flex': 'azure',
  'azure-flex-ready': 'azure',
  gcp: 'gcp',
};

export type LineKind = 'requests' | 'compute' | 'warm' | 'storage' | 'gateway' | 'queue' | 'scheduler' | 'table';

/** One line of a bill: what is counted, how much, at what rate, rounded to the cent. */
export interface LineItem {
  kind: LineKind;
  label: string;
  /** Billable quantity after the free tier, in `unit`. */
  quantity: number;
  unit: string;
  /** Free-tier quantity used by this line (same unit). */
  freeQuantity: number;
  /** What the free quantity would have cost at list price (unrounded). */
  freeValue: number;
  /** Unrounded amount, USD. */
  exact: number;
  /** Amount rounded to the cent, USD. */
  amount: number;
  /** Catalog keys used, e.g. `aws.requestPerMillion`. */
  rates: string[];
  /** Set when the line cannot be priced from the catalog (shown, never silently $0). */
  notEstimated?: string;
}

/** One function on one option. */
export interface CostRow {
  function: string;
  option: OptionId;
  label: string;
  /** False for an option priced for comparison that sls-x cannot deploy to (Azure Consumption). */
  deployable: boolean;
  /** False when the option cannot run this profile (memory, timeout): `reason` says why. */
  available: boolean;
  reason?: string;
  items: LineItem[];
  /** Value of the free tier this row used, rounded to the cent. */
  freeTierValue: number;
  /** Sum of the rounded items. */
  total: number;
  /** Cheapest available option for this function. */
  cheapest: boolean;
}

/** The whole service on one option, as the bill would show it. */
export interface OptionTotal {
  option: OptionId;
  label: string;
  /** See {@link CostRow.deployable}. */
  deployable: boolean;
  available: boolean;
  reason?: string;
  /** Line items summed over functions per kind, then rounded (the bill rounds per usage type). */
  items: Array<{ kind: LineKind; exact: number; amount: number }>;
  freeTierValue: number;
  total: number;
  cheapest: boolean;
}

export interface CostWarning {
  option?: OptionId;
  function?: string;
  /** `capacity`, `memory`, `timeout`, `assumption`, ... */
  kind: string;
  message: string;
}

export interface BreakEven {
  vm: { name: string; hourly: number; monthly: number; source: string };
  options: Array<{
    option: OptionId;
    label: string;
    /** Serverless total at today's profile. */
    current: number;
    /** Requests a month (all functions scaled together) where serverless reaches the VM's monthly cost. */
    breakEvenRequests: number | null;
    verdict: 'cheaper-below' | 'never-cheaper' | 'always-cheaper';
  }>;
}

export interface CostEstimate {
  currency: 'USD';
  catalogs: Record<string, string>;
  overridden: string[];
  freeTier: boolean;
  profiles: import('./profile.js').CostProfile[];
  rows: CostRow[];
  totals: OptionTotal[];
  warnings: CostWarning[];
  breakEven?: BreakEven;
}
