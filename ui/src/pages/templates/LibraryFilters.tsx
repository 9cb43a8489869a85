import type { TemplateFilter } from "../../lib/ipc/bindings/TemplateFilter";

/** Search, status, category and language filters over the template library. */
export function LibraryFilters(props: {
  filter: TemplateFilter;
  onFilter: (patch: Partial<TemplateFilter>) => void;
  languages: string[];
}) {
  return (
                  <div className="filters" role="search" aria-label="Filter templates">
    <label className="field">
      <span>Search</span>
      <input id="templates-search" type="search" placeholder="Name or text" value={props.filter.search ?? ""} onChange={(e) => props.onFilter({ search: e.target.value || null })} />
    </label>
    <label className="field">
      <span>Status</span>
      <select id="templates-status" value={props.filter.status ?? ""} onChange={(e) => props.onFilter({ status: e.target.value || null })}>
        <option value="">Any</option>
        {["APPROVED", "PENDING", "REJECTED", "PAUSED", "DISABLED"].map((s) => (
          <option key={s} value={s}>
            {s.toLowerCase()}
          </option>
        ))}
      </select>
    </label>
    <label className="field">
      <span>Category</span>
      <select value={props.filter.category ?? ""} onChange={(e) => props.onFilter({ category: e.target.value || null })}>
        <option value="">Any</option>
        <option value="MARKETING">Marketing</option>
        <option value="UTILITY">Utility</option>
        <option value="AUTHENTICATION">Authentication</option>
      </select>
    </label>
    <label className="field">
      <span>Language</span>
      <select value={props.filter.language ?? ""} onChange={(e) => props.onFilter({ language: e.target.value || null })}>
        <option value="">Any</option>
        {props.languages.map((l) => (
          <option key={l} value={l}>
            {l}
          </option>
        ))}
      </select>
    </label>
                  </div>
  );
}
