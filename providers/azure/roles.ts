/**
 * Built-in Azure role definitions the function's managed identity is granted, each scoped to
 * exactly the queue, container, table or secret it needs (never the subscription or resource group).
 * Ids are the same in every Azure cloud.
 */
export const ROLES = {
  'Storage Blob Data Owner': 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
  'Storage Blob Data Contributor': 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
  'Storage Blob Data Reader': '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1',
  // Only `generateUserDelegationKey`: a key to sign URLs with, limited by the identity's own data roles.
  'Storage Blob Delegator': 'db58b8e5-c6ad-4a2a-8342-4190687cbf4a',
  'Storage Queue Data Contributor': '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
  'Storage Queue Data Message Sender': 'c6a89b2d-59bc-44d0-9896-0f6e12d7b80a',
  // Entities of one table (`table(name)`): read, write and delete; or read and query only.
  'Storage Table Data Contributor': '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3',
  'Storage Table Data Reader': '76199698-9eea-4c19-bc75-cec21354c6b6',
  'Key Vault Secrets User': '4633458b-17de-408a-b874-0445c86b69e6',
  'Monitoring Metrics Publisher': '3913510d-42f4-4e42-8a64-420c390055eb',
} as const;

export type RoleName = keyof typeof ROLES;

/**
 * Every built-in role sls-x knows by name offline: the ones it grants itself, plus a few more from
 * the same published table (MicrosoftDocs/azure-docs built-in-roles.md, "All"; vendored for the
 * contract tests in test/contracts/sources/data/azure-builtin-roles.json). The escape hatch
 * (`targets.azure.roles`) takes these names; any other role is written as its definition GUID.
 */
export const BUILTIN_ROLES: Readonly<Record<string, string>> = {
  ...ROLES,
  'Key Vault Secrets Officer': 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7',
  'Storage Queue Data Message Processor': '8a0f0c08-91a1-4084-bc3d-661d67233fed',
  'Storage Queue Data Reader': '19e7f393-937e-4f77-808e-94535e297925',
};

/** Role name for a role definition id (the last path segment of a roleDefinitionId). */
export function roleName(definitionId: string): RoleName | undefined {
  const guid = definitionId.split('/').pop()?.toLowerCase();
  return (Object.keys(ROLES) as RoleName[]).find((r) => ROLES[r] === guid);
}
