// A button that shows only an icon (Refresh, Delete, Pause, Cancel…): its name is read by screen readers and,
// for everyone else, shown in a tooltip on hover or keyboard focus, so no icon has to be guessed.
import { useLayoutEffect, useRef, type ReactNode } from 'react';
import { Button, Tooltip, TooltipTrigger, type ButtonProps } from 'react-aria-components';

export function IconButton({ label, children, ...props }: Omit<ButtonProps, 'aria-label' | 'children'> & { label: string; children: ReactNode }) {
  // A disabled button gets no hover events, so its tooltip cannot open: the browser's own title says what it does
  // instead (react-aria's Button does not pass a title on, hence the attribute set here).
  const ref = useRef<HTMLButtonElement>(null);
  const disabled = !!props.isDisabled;
  useLayoutEffect(() => {
    if (disabled) ref.current?.setAttribute('title', label);
    else ref.current?.removeAttribute('title');
  }, [disabled, label]);
  return (
    <TooltipTrigger delay={500} closeDelay={0}>
      <Button {...props} ref={ref} aria-label={label}>
        {children}
      </Button>
      <Tooltip className="tooltip" offset={6}>
        {label}
      </Tooltip>
    </TooltipTrigger>
  );
}
