/** A usage or configuration error: the CLI exits 2; the action fails the step with the message. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}
