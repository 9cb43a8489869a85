// Vitest set-up for every UI test: a busy machine (the whole suite runs beside builds) can take
// more than Testing Library's default second to render an answer, so waits allow five.
import { configure } from "@testing-library/react";

configure({ asyncUtilTimeout: 5000 });
