// `react` for the demo page: the UMD build's window.React as an ES module (React 18 ships no browser ESM).
const React = window.React;
export default React;
export const {
  Children,
  Component,
  Fragment,
  StrictMode,
  createContext,
  createElement,
  memo,
  startTransition,
  useCallback,
  useContext,
  useEffect,
  useId,
  useLayoutEffect,
  useMemo,
  useReducer,
  useRef,
  useState,
  useSyncExternalStore,
} = React;
