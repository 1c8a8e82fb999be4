// The registry login a user hands vouch (`registry-username`, `registry-password`). The password is a secret: it
// goes to a registry's token endpoint, a temporary docker config or a masked log, never into argv.
export interface RegistryCredentials {
  username: string
  password: string
}
