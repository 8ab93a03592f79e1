/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import { Field } from './field.tsx';

export interface NewPasswordFieldProps {
  /** The form field's name (`password` at sign-up, `newPassword` on the account page). */
  name: string;
  label: string;
  /** Said after the rules: what else choosing it does. */
  consequence?: string;
  error?: string;
  autofocus?: boolean;
}

// The rules of `newPasswordSchema` (credentials.ts), said before they are broken.
const rules = 'At least 8 characters, and not a common password.';

/** A password being chosen: the sign-up rules said up front, and a `new-password` for password managers. */
export function NewPasswordField({ consequence, ...field }: NewPasswordFieldProps) {
  return (
    <Field
      type="password"
      autocomplete="new-password"
      {...field}
      hint={consequence ? `${rules} ${consequence}` : rules}
      minlength={8}
    />
  );
}
