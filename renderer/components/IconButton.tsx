// A button that shows only an icon (Refresh, Delete, Pause, Cancel…): its name is read by screen readers and,
// for everyone else, shown in a tooltip on hover or keyboard focus, so no icon has to be guessed.
import type { ReactNode } from 'react';
import { Button, Tooltip, TooltipTrigger, type ButtonProps } from 'react-aria-components';

export function IconButton({ label, children, ...props }: Omit<ButtonProps, 'aria-label' | 'children'> & { label: string; children: ReactNode }) {
  return (
    <TooltipTrigger delay={500} closeDelay={0}>
      <Button {...props} aria-label={label}>
        {children}
      </Button>
      <Tooltip className="tooltip" offset={6}>
        {label}
      </Tooltip>
    </TooltipTrigger>
  );
}
