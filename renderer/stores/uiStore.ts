import { create } from 'zustand';

export const SCREENS = ['diagnose', 'credentials', 'sweep', 'profiles', 'history', 'settings'] as const;
export type Screen = (typeof SCREENS)[number];

interface UiState {
  screen: Screen;
  /** Asked before leaving the screen (unsaved edits): false keeps the operator where they are. */
  leaveGuard: ((to: Screen) => boolean) | null;
  actions: {
    navigate: (screen: Screen) => void;
    setLeaveGuard: (guard: ((to: Screen) => boolean) | null) => void;
  };
}

const useUiStore = create<UiState>()((set, get) => ({
  screen: 'diagnose',
  leaveGuard: null,
  actions: {
    setLeaveGuard: (leaveGuard) => set({ leaveGuard }),
    navigate: (screen) => {
      const guard = get().leaveGuard;
      if (guard && screen !== get().screen && !guard(screen)) return;
      set({ screen });
      // Move focus to the new screen's heading so keyboard and screen-reader users land there.
      queueMicrotask(() => document.getElementById('screen-title')?.focus());
    },
  },
}));

export const useScreen = () => useUiStore((s) => s.screen);
export const useUiActions = () => useUiStore((s) => s.actions);
export const uiActions = useUiStore.getState().actions;
