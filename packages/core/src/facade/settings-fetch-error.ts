/** A settings fetch that did not yield a JSON document. */
export class SettingsFetchError extends Error {
  /** Always `'SettingsFetchError'`. */
  override readonly name = 'SettingsFetchError';
}
