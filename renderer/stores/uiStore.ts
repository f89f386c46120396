import { create } from 'zustand';

export const SCREENS = ['diagnose', 'credentials', 'sweep', 'profiles', 'history', 'settings'] as const;
export type Screen = (typeof SCREENS)[number];

interface UiState {
  screen: Screen;
  actions: {
    navigate: (screen: Screen) => void;
  };
}

const useUiStore = create<UiState>()((set) => ({
  screen: 'diagnose',
  actions: {
    navigate: (screen) => {
      set({ screen });
      // Move focus to the new screen's heading so keyboard and screen-reader users land there.
      queueMicrotask(() => document.getElementById('screen-title')?.focus());
    },
  },
}));

export const useScreen = () => useUiStore((s) => s.screen);
export const useUiActions = () => useUiStore((s) => s.actions);
export const uiActions = useUiStore.getState().actions;
