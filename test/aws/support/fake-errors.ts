/** An error shaped like the SDK's service exceptions (name + $metadata.httpStatusCode). */
export function awsError(name: string, message: string, status = 400): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
}
