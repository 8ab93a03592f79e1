/** @jsxRuntime automatic @jsxImportSource hono/jsx */
export interface FieldProps {
  /** The form field's name, also its `id`. */
  name: string;
  label: string;
  type?: 'text' | 'password' | 'email';
  /** What password managers and browsers fill in. */
  autocomplete:
    | 'username'
    | 'current-password'
    | 'new-password'
    | 'email'
    | 'one-time-code'
    | 'off';
  /** The keyboard a phone shows: digits for a code. */
  inputmode?: 'numeric';
  pattern?: string;
  /** What the person typed, kept after a refused post (never a password). */
  value?: string;
  /** The rule the field must follow, said before anyone breaks it. */
  hint?: string;
  /** Why the server refused the field, shown beside it. */
  error?: string;
  /** Focus it when the page loads: the first field to fix after a refused post. */
  autofocus?: boolean;
  minlength?: number;
  maxlength?: number;
}

/**
 * A labelled input with its hint and its error, tied to it by
 * `aria-describedby` so that a screen reader reads them with the field.
 */
export function Field({ name, label, type = 'text', hint, error, ...input }: FieldProps) {
  const hintId = hint ? `${name}-hint` : undefined;
  const errorId = error ? `${name}-error` : undefined;
  const describedBy = [errorId, hintId].filter(Boolean).join(' ') || undefined;
  return (
    <div class={error ? 'field field-invalid' : 'field'}>
      <label for={name}>{label}</label>
      {hint && (
        <p class="hint" id={hintId}>
          {hint}
        </p>
      )}
      <input
        id={name}
        name={name}
        type={type}
        required
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy}
        autocapitalize="none"
        spellcheck={false}
        {...input}
      />
      {error && (
        <p class="field-error" id={errorId}>
          {error}
        </p>
      )}
    </div>
  );
}
