import {CLS} from './components/common';

// Plain CSS on the host's theme variables (Mattermost sets them on :root from the user's theme),
// with the default "denim" values as fallbacks. Every class is prefixed with the plugin's.
const fg = 'var(--center-channel-color, #3f4350)';
const fgRGB = 'var(--center-channel-color-rgb, 63, 67, 80)';
const bg = 'var(--center-channel-bg, #ffffff)';
const btn = 'var(--button-bg, #1c58d9)';
const btnRGB = 'var(--button-bg-rgb, 28, 88, 217)';
const btnFg = 'var(--button-color, #ffffff)';
const err = 'var(--error-text, #d24b4e)';
const errRGB = 'var(--error-text-color-rgb, 210, 75, 78)';
const okRGB = 'var(--online-indicator-rgb, 6, 214, 160)';
const c = `.${CLS}`;

export const css = `
${c}-rhs{display:flex;flex-direction:column;height:100%;min-height:0;background:${bg};color:${fg};font-size:14px;line-height:20px;box-sizing:border-box}
${c}-rhs *,${c}-rhs *::before,${c}-rhs *::after{box-sizing:border-box}
${c}-rhs :focus-visible,${c}-backdrop :focus-visible{outline:2px solid ${btn};outline-offset:1px}
${c}-backdrop{position:fixed;inset:0;z-index:1050;display:flex;align-items:flex-start;justify-content:center;padding:64px 16px;overflow-y:auto;background:rgba(0,0,0,0.64);font-size:14px;line-height:20px;box-sizing:border-box}
${c}-backdrop *,${c}-backdrop *::before,${c}-backdrop *::after{box-sizing:border-box}
${c}-modal{width:100%;max-width:600px;border-radius:12px;background:${bg};color:${fg};border:1px solid rgba(${fgRGB},0.16);box-shadow:0 20px 32px rgba(0,0,0,0.12)}
${c}-modal__header{display:flex;align-items:center;justify-content:space-between;padding:24px 32px 8px}
${c}-modal__title{margin:0;font-size:22px;line-height:28px;font-weight:600;color:${fg}}
${c}-modal ${c}-modal__close{opacity:1;width:32px;height:32px;font-size:22px;line-height:32px}
${c}-modal__body{display:flex;flex-direction:column;gap:16px;padding:16px 32px}
${c}-modal__footer{display:flex;justify-content:flex-end;gap:8px;padding:16px 32px 24px}
${c}-modal__footer ${c}-button{height:40px;padding:0 20px;font-size:14px}
${c}-modal__source{margin:-8px 0 0}
${c}-modal__hint{margin:-12px 0 0 24px}
${c}-modal__source a{color:var(--link-color, #386fe5)}
${c}-modal ${c}-input{height:40px}
${c}-modal__quote{margin:0;display:flex;flex-direction:column;gap:4px}
${c}-quote{margin:0;padding:8px 12px;border-left:3px solid rgba(${fgRGB},0.24);background:rgba(${fgRGB},0.04);white-space:pre-wrap;overflow-wrap:anywhere;max-height:160px;overflow-y:auto;color:${fg}}
${c}-toast{position:fixed;left:50%;bottom:24px;transform:translateX(-50%);z-index:1060;max-width:min(480px,90vw);padding:10px 16px;border-radius:4px;background:${fg};color:${bg};font-size:14px;line-height:20px;box-shadow:0 8px 24px rgba(0,0,0,0.2)}
${c}-toast:empty{padding:0;box-shadow:none;background:transparent}
${c}-label{font-size:14px;line-height:20px;font-weight:600;color:${fg}}
${c}-textarea{height:auto!important;min-height:80px;padding:8px 10px;resize:vertical;line-height:20px}
${c}-select{padding-right:8px}
${c}-check-field{display:flex;align-items:center;gap:8px;cursor:pointer}
${c}-check-field ${c}-checkbox{margin:0}
${c}-field-error{color:${err}}
${c}-list__header{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:8px;padding:12px 16px 8px}
${c}-list__header ${c}-heading{padding:0}
${c}-list,${c}-detail{display:flex;flex-direction:column;min-height:0;flex:1}
${c}-list{overflow-y:auto}
${c}-scroll{overflow-y:auto;flex:1;min-height:0}
${c}-pad{padding:0 16px 12px}
${c}-muted{color:rgba(${fgRGB},0.64)}
${c}-small{font-size:12px;line-height:16px}
${c}-heading{display:flex;align-items:center;gap:8px;margin:0;padding:16px 16px 8px;font-size:14px;line-height:20px;font-weight:600;color:${fg}}
${c}-subheading{display:flex;align-items:baseline;justify-content:space-between;gap:8px;margin:0;padding:16px 16px 4px;font-size:12px;line-height:16px;font-weight:600;letter-spacing:.02em;text-transform:uppercase;color:rgba(${fgRGB},0.64)}
${c}-subheading ${c}-small{text-transform:none;letter-spacing:0;font-weight:400}
${c}-count{display:inline-flex;align-items:center;justify-content:center;min-width:20px;height:20px;padding:0 6px;border-radius:10px;background:rgba(${fgRGB},0.08);color:rgba(${fgRGB},0.72);font-size:11px;font-weight:600}
${c}-cards{list-style:none;margin:0;padding:0 12px 16px;display:flex;flex-direction:column;gap:8px}
${c}-card{display:flex;flex-direction:column;gap:4px;width:100%;padding:12px 14px;text-align:left;font:inherit;color:inherit;background:${bg};border:1px solid rgba(${fgRGB},0.16);border-radius:4px;cursor:pointer;transition:box-shadow .15s ease,border-color .15s ease}
${c}-card:hover{border-color:rgba(${fgRGB},0.24);box-shadow:0 2px 3px rgba(0,0,0,0.08)}
${c}-card__top{display:flex;align-items:center;justify-content:space-between;gap:8px}
${c}-card__name{font-size:14px;line-height:20px;font-weight:600;color:${fg};overflow-wrap:anywhere}
${c}-card__meta{display:flex;align-items:center;justify-content:space-between;gap:8px;flex-wrap:wrap}
${c}-card__meta > span{display:inline-flex;align-items:center;gap:6px}
${c}-ref{font-size:12px;line-height:16px;font-weight:600;color:rgba(${fgRGB},0.64);font-variant-numeric:tabular-nums}
${c}-user{display:inline-flex;align-items:center;gap:6px;vertical-align:middle;color:${fg}}
${c}-user__name{font-weight:600}
${c}-item__meta ${c}-user__name{font-weight:400}
${c}-avatar{width:20px;height:20px;border-radius:50%;flex:none;background:rgba(${fgRGB},0.08);object-fit:cover}
${c}-empty{padding:32px 24px;text-align:center}
${c}-empty__title{margin:0 0 4px;font-weight:600}
${c}-empty p{margin:0 0 4px}
${c}-empty code{font-size:12px;padding:1px 4px;border-radius:3px;background:rgba(${fgRGB},0.08);color:${fg}}
${c}-toolbar{display:flex;align-items:center;padding:8px 8px;border-bottom:1px solid rgba(${fgRGB},0.08);flex:none}
${c}-back{display:inline-flex;align-items:center;gap:6px;height:32px;padding:0 10px;border:0;border-radius:4px;background:transparent;color:rgba(${fgRGB},0.72);font:inherit;font-size:12px;font-weight:600;cursor:pointer}
${c}-back:hover{background:rgba(${fgRGB},0.08);color:${fg}}
${c}-chevron{display:inline-block;width:7px;height:7px;border-right:2px solid currentColor;border-bottom:2px solid currentColor;transform:rotate(-45deg);transition:transform .15s ease;flex:none;margin:0 2px}
${c}-chevron--open{transform:rotate(45deg)}
${c}-chevron--back{transform:rotate(135deg)}
${c}-detail__header{padding:16px 16px 4px}
${c}-detail__name{margin:4px 0 0;font-size:18px;line-height:24px;font-weight:600;color:${fg};overflow-wrap:anywhere}
${c}-badge{display:inline-flex;align-items:center;height:20px;padding:0 8px;border-radius:10px;font-size:11px;font-weight:600;line-height:20px;text-transform:uppercase;letter-spacing:.02em}
${c}-badge--active{background:rgba(${btnRGB},0.12);color:${btn}}
${c}-badge--ended{background:rgba(${okRGB},0.16);color:${fg}}
${c}-editor__field-row{display:flex;gap:8px;align-items:center;margin:4px 0}
${c}-props{display:grid;grid-template-columns:max-content 1fr;gap:8px 16px;margin:8px 0 0;padding:8px 16px 12px;border-bottom:1px solid rgba(${fgRGB},0.08)}
${c}-props dt{color:rgba(${fgRGB},0.64);font-size:12px;line-height:20px}
${c}-props dd{margin:0;min-width:0;overflow-wrap:anywhere}
${c}-summary{white-space:pre-wrap}
${c}-checklists{padding-bottom:16px}
${c}-section{margin:0 8px}
${c}-section__heading{margin:0;font-size:14px;font-weight:600}
${c}-section__toggle{display:flex;align-items:center;gap:8px;width:100%;padding:8px;border:0;border-radius:4px;background:transparent;color:${fg};font:inherit;font-weight:600;text-align:left;cursor:pointer}
${c}-section__toggle:hover{background:rgba(${fgRGB},0.08)}
${c}-section__toggle ${c}-chevron{color:rgba(${fgRGB},0.56)}
${c}-section__title{flex:1;min-width:0;overflow-wrap:anywhere}
${c}-items{list-style:none;margin:0;padding:0}
${c}-items-empty{margin:0;padding:4px 8px 4px 32px}
${c}-item{display:flex;align-items:flex-start;gap:10px;padding:6px 8px 6px 10px;border-radius:4px}
${c}-item:hover{background:rgba(${fgRGB},0.04)}
${c}-checkbox{appearance:none;-webkit-appearance:none;flex:none;width:16px;height:16px;margin:2px 0 0;border:1px solid rgba(${fgRGB},0.32);border-radius:4px;background:${bg} center/12px 12px no-repeat;cursor:pointer}
${c}-checkbox:hover:not(:disabled){border-color:rgba(${fgRGB},0.48)}
${c}-checkbox:checked{border-color:${btn};background-color:${btn};background-image:url("data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 12 12'%3E%3Cpath d='M2.5 6.2l2.3 2.3 4.7-4.9' fill='none' stroke='white' stroke-width='1.8' stroke-linecap='round' stroke-linejoin='round'/%3E%3C/svg%3E")}
${c}-checkbox:disabled{cursor:default;opacity:.64}
${c}-checkbox[aria-busy=true]{opacity:.64}
${c}-item__body{flex:1;min-width:0}
${c}-item__title{display:block;cursor:pointer;overflow-wrap:anywhere}
${c}-item--done ${c}-item__title{color:rgba(${fgRGB},0.64);text-decoration:line-through;text-decoration-color:rgba(${fgRGB},0.48)}
${c}-item--skipped ${c}-item__title{color:rgba(${fgRGB},0.56);text-decoration:line-through}
${c}-item__meta{display:flex;flex-wrap:wrap;gap:4px 12px;margin-top:2px;font-size:12px;line-height:16px;color:rgba(${fgRGB},0.64)}
${c}-item__meta ${c}-user{color:rgba(${fgRGB},0.72);vertical-align:baseline}
${c}-tag{display:inline-block;padding:0 6px;border-radius:4px;background:rgba(${fgRGB},0.08);font-weight:600}
${c}-tag--danger{background:rgba(${errRGB},0.12);color:${err}}
${c}-item__evidence{overflow-wrap:anywhere}
${c}-form--inline{display:flex;flex-wrap:wrap;align-items:flex-end;gap:8px}
${c}-editor__due{width:10em}
${c}-page__archived{margin-top:24px}
${c}-page__archived-list{margin:8px 0 0;padding-left:20px}
${c}-tasks{padding:8px 16px;border-bottom:1px solid rgba(${fgRGB},0.08)}
${c}-tasks__heading{margin:0 0 4px;padding:0}
${c}-tasks__list{list-style:none;margin:0;padding:0}
${c}-tasks__open{display:flex;flex-wrap:wrap;align-items:baseline;gap:2px 8px;width:100%;padding:6px 4px;border:0;border-radius:4px;background:transparent;color:inherit;font:inherit;text-align:left;cursor:pointer}
${c}-tasks__open:hover{background:rgba(${fgRGB},0.08)}
${c}-tasks__title{font-weight:600;overflow-wrap:anywhere}
${c}-link-button{display:inline-flex;align-items:center;gap:4px;padding:4px 8px;border:0;border-radius:4px;background:transparent;color:${btn};font:inherit;font-size:12px;font-weight:600;cursor:pointer}
${c}-link-button:hover{background:rgba(${btnRGB},0.08)}
${c}-add-item{margin:2px 0 8px 28px}
${c}-add-form{display:flex;flex-direction:column;gap:8px;margin:4px 8px 12px 36px}
${c}-checklists > ${c}-add-form{margin:8px 16px}
${c}-field{display:flex;flex-direction:column;gap:4px}
${c}-input{width:100%;height:32px;padding:0 10px;border:1px solid rgba(${fgRGB},0.16);border-radius:4px;background:${bg};color:${fg};font:inherit}
${c}-input:hover{border-color:rgba(${fgRGB},0.48)}
${c}-input:focus,${c}-input:focus-visible{outline:none;border-color:${btn};box-shadow:inset 0 0 0 1px ${btn}}
${c}-input::placeholder{color:rgba(${fgRGB},0.48)}
${c}-add-form__actions,${c}-confirm__actions{display:flex;justify-content:flex-end;gap:8px}
${c}-button{display:inline-flex;align-items:center;justify-content:center;height:32px;padding:0 16px;border:0;border-radius:4px;font:inherit;font-size:12px;font-weight:600;cursor:pointer;white-space:nowrap}
${c}-button:disabled{opacity:.48;cursor:not-allowed}
${c}-button--small{height:28px;padding:0 12px}
${c}-button--primary{background:${btn};color:${btnFg}}
${c}-button--primary:hover:not(:disabled){background:linear-gradient(rgba(0,0,0,0.08),rgba(0,0,0,0.08)),${btn}}
${c}-button--tertiary{background:rgba(${btnRGB},0.08);color:${btn}}
${c}-button--tertiary:hover:not(:disabled){background:rgba(${btnRGB},0.12)}
${c}-button--danger{background:${err};color:#fff}
${c}-button--danger:hover:not(:disabled){background:linear-gradient(rgba(0,0,0,0.08),rgba(0,0,0,0.08)),${err}}
${c}-button--danger-outline{width:100%;background:transparent;color:${err};border:1px solid rgba(${errRGB},0.48)}
${c}-button--danger-outline:hover:not(:disabled){background:rgba(${errRGB},0.08)}
${c}-footer{flex:none;padding:12px 16px;border-top:1px solid rgba(${fgRGB},0.08);background:${bg}}
${c}-confirm__title{margin:0 0 4px;font-size:14px;font-weight:600}
${c}-confirm__text{margin:0 0 12px;color:rgba(${fgRGB},0.72);font-size:12px;line-height:16px}
${c}-error{display:flex;align-items:flex-start;justify-content:space-between;gap:8px;margin:8px 0;padding:8px 12px;border-radius:4px;background:rgba(${errRGB},0.08);border:1px solid rgba(${errRGB},0.24);color:${fg};font-size:12px;line-height:16px}
${c}-error__text::before{content:"";display:inline-block;width:8px;height:8px;margin-right:8px;border-radius:50%;background:${err};vertical-align:1px}
${c}-list ${c}-pad ${c}-button{margin-top:4px}
${c}-sr-only{position:absolute!important;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0}
${c}-commander{display:flex;align-items:center;flex-wrap:wrap;gap:4px 8px}
${c}-commander ${c}-link-button{padding:0 6px;height:20px}
${c}-commander ${c}-picker{flex:1;min-width:0}
${c}-picker{position:relative;display:flex;flex-direction:column;gap:4px;width:100%}
${c}-picker__row{display:flex;gap:8px;align-items:center}
${c}-picker__list{list-style:none;margin:0;padding:4px 0;max-height:220px;overflow-y:auto;border:1px solid rgba(${fgRGB},0.16);border-radius:4px;background:${bg};box-shadow:0 8px 24px rgba(0,0,0,0.12)}
${c}-picker__list[hidden]{display:none}
${c}-picker__option{display:flex;align-items:center;gap:8px;padding:6px 12px;cursor:pointer;color:${fg};min-width:0}
${c}-picker__option > span{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
${c}-picker__option--active{background:rgba(${btnRGB},0.08);box-shadow:inset 2px 0 0 ${btn}}
${c}-picker__status{min-height:16px}
${c}-item__panel{margin-top:6px}
${c}-item__actions{display:flex;flex-wrap:wrap;gap:4px;margin-left:-8px}
${c}-item__panel${c}-confirm{padding:8px 10px;border:1px solid rgba(${errRGB},0.32);border-radius:4px;background:rgba(${errRGB},0.04)}
${c}-item__panel ${c}-confirm__text{margin:0 0 8px;color:${fg}}
${c}-link-button--danger{color:${err}}
${c}-link-button--danger:hover{background:rgba(${errRGB},0.08)}
${c}-icon-button{flex:none;width:24px;height:24px;padding:0;border:0;border-radius:4px;background:transparent;color:rgba(${fgRGB},0.56);font:inherit;font-size:16px;line-height:24px;cursor:pointer;opacity:0}
${c}-item:hover ${c}-icon-button,${c}-icon-button:focus-visible,${c}-icon-button--on{opacity:1}
${c}-icon-button:hover,${c}-icon-button--on{background:rgba(${fgRGB},0.08);color:${fg}}
@media (hover:none){${c}-icon-button{opacity:1}}
${c}-list__all{margin-left:auto;font-size:12px;font-weight:600;color:var(--link-color, #386fe5);text-decoration:none;white-space:nowrap}
${c}-list__all:hover{text-decoration:underline}
${c}-page{display:flex;gap:0;width:100%;height:100%;min-height:0;overflow:hidden;background:${bg};color:${fg};font-size:14px;line-height:20px;box-sizing:border-box;grid-area:center}
${c}-page *,${c}-page *::before,${c}-page *::after{box-sizing:border-box}
${c}-page :focus-visible{outline:2px solid ${btn};outline-offset:1px}
${c}-sev{display:inline-block;margin-left:6px;padding:0 6px;border-radius:8px;background:rgba(${errRGB},0.12);color:${fg};font-size:11px;line-height:16px;font-weight:700}
${c}-status-text{margin-left:6px;font-weight:400}
${c}-conduct{display:flex;flex-direction:column;gap:10px;padding:4px 16px 12px;border-bottom:1px solid rgba(${fgRGB},0.08)}
${c}-conduct__row{display:flex;gap:12px}
${c}-conduct__field{display:flex;flex-direction:column;gap:2px;flex:1;min-width:0}
${c}-rhs select${c}-conduct__select{height:32px}
${c}-conduct__roles{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:6px}
${c}-conduct__role{display:flex;flex-wrap:wrap;align-items:center;gap:4px 8px}
${c}-conduct__role-name{font-weight:600;min-width:110px}
${c}-conduct__holder{display:inline-flex;flex-wrap:wrap;align-items:center;gap:4px}
${c}-conduct__update{display:flex;flex-direction:column;gap:4px;align-items:flex-start}
${c}-conduct__update h3{margin:0}
${c}-conduct__last{align-self:stretch;padding:6px 10px;border-left:3px solid rgba(${btnRGB},0.48);background:rgba(${fgRGB},0.04)}
${c}-conduct__last p{margin:0}
${c}-update-form{align-self:stretch;display:flex;flex-direction:column;gap:8px;padding:10px;border:1px solid rgba(${fgRGB},0.16);border-radius:4px}
${c}-update-form__actions{display:flex;justify-content:flex-end;gap:8px}
${c}-page__hide{margin-left:6px;font-size:12px}
${c}-report{display:flex;flex-direction:column;gap:8px}
${c}-report__row{display:flex;flex-wrap:wrap;align-items:center;gap:6px}
${c}-report__row ${c}-input{flex:1;min-width:140px;height:32px}
${c}-report__row ${c}-report__kind{flex:none;width:auto;min-width:110px}
${c}-report__row ${c}-report__due{flex:none;width:150px;min-width:0}
${c}-report__actions{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:4px}
${c}-report__actions li{display:flex;flex-wrap:wrap;align-items:center;gap:4px}
${c}-report__done{text-decoration:line-through;color:rgba(${fgRGB},0.64)}
${c}-report__editor{display:flex;flex-direction:column;gap:6px}
${c}-report__md{font-family:Menlo,Consolas,monospace;font-size:12px;line-height:18px;min-height:240px}
${c}-chart{display:block;width:100%;max-width:480px;height:auto}
${c}-chart text{fill:rgba(${fgRGB},0.72);font-size:11px}
${c}-chart__bar{fill:${btn}}
${c}-reports__grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:16px;margin-top:12px;align-items:start}
${c}-reports__card--wide{grid-column:1 / -1}
${c}-reports__grid+${c}-reports__card,${c}-reports__card+${c}-reports__card{margin-top:16px}
${c}-reports__grid ${c}-reports__card{margin-top:0}
${c}-reports__card ${c}-page__table th{white-space:nowrap}
${c}-reports__card{padding:12px 14px;border:1px solid rgba(${fgRGB},0.16);border-radius:4px}
${c}-reports__card h2{margin:0 0 8px;font-size:14px;font-weight:600}
${c}-paging__list{list-style:none;padding:0;margin:0 0 8px}
${c}-paging__list li,${c}-paging__page{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:6px;align-items:center;margin:0 0 8px}
${c}-paging__page{border:0;padding:0}
${c}-paging__page legend{margin-bottom:4px;font-weight:600}
${c}-reports__big{font-size:28px;line-height:32px;font-weight:600}
${c}-page__nav{display:flex;gap:4px;margin:-4px 0 12px;border-bottom:1px solid rgba(${fgRGB},0.12)}
${c}-page__tab{padding:8px 12px;margin-bottom:-1px;font-weight:600;color:rgba(${fgRGB},0.64);text-decoration:none;border-bottom:2px solid transparent}
${c}-page__tab:hover{color:${fg}}
${c}-page__tab--current{color:${btn};border-bottom-color:${btn}}
${c}-page__actions{display:flex;gap:8px}
${c}-page__notice:empty{display:none}
${c}-page__notice{margin:0 0 8px;color:rgba(${fgRGB},0.72)}
${c}-page__clamp{max-width:48ch;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
${c}-page__code{font-family:Menlo,Consolas,monospace;font-size:12px;padding:1px 4px;border-radius:3px;background:rgba(${fgRGB},0.06)}
${c}-page__row-actions{display:flex;gap:4px;margin-left:-8px}
${c}-page__confirm{display:flex;flex-wrap:wrap;align-items:center;gap:8px}
${c}-editor{display:flex;flex-direction:column;gap:16px;max-width:820px}
${c}-editor__group{display:flex;flex-direction:column;gap:12px;margin:0;padding:0;border:0;min-width:0}
${c}-editor__group > legend{padding:0;margin:8px 0 4px}
${c}-editor input${c}-input{height:36px}
${c}-editor__section{display:flex;flex-direction:column;gap:8px;padding:12px 14px;border:1px solid rgba(${fgRGB},0.16);border-radius:4px}
${c}-editor__items{margin:0;padding:0 0 0 20px;display:flex;flex-direction:column;gap:10px}
${c}-editor__item{padding-left:4px}
${c}-editor__row{display:flex;align-items:flex-end;gap:8px}
${c}-editor__grow{flex:1;min-width:0}
${c}-editor__moves{display:flex;gap:2px;padding-bottom:6px}
${c}-editor__moves ${c}-icon-button:disabled{opacity:.32;cursor:default}
${c}-editor__item-extra{display:flex;flex-wrap:wrap;align-items:flex-end;gap:8px 16px;margin-top:6px}
${c}-editor input${c}-input--small{height:30px;font-size:13px}
${c}-editor__person{display:flex;flex-wrap:wrap;align-items:center;gap:8px;min-height:30px}
${c}-editor__person ${c}-picker{min-width:280px}
${c}-editor__chips{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:6px}
${c}-editor__chip{display:inline-flex;align-items:center;gap:4px;padding:2px 4px 2px 10px;border-radius:12px;background:rgba(${fgRGB},0.08)}
${c}-editor__footer{display:flex;justify-content:flex-end;gap:8px;padding:8px 0 24px;border-top:1px solid rgba(${fgRGB},0.12)}
${c}-channel-search{display:flex;flex-direction:column;gap:4px;max-width:420px}
${c}-channel-search__results{list-style:none;margin:0;padding:4px 0;border:1px solid rgba(${fgRGB},0.16);border-radius:4px}
${c}-channel-search__results li{padding:0 4px}
${c}-page__main{flex:1;min-width:0;overflow:auto;padding:20px 24px}
${c}-page__header{display:flex;align-items:center;justify-content:space-between;margin-bottom:12px}
${c}-page__title{margin:0;font-size:22px;line-height:28px;font-weight:600;color:${fg}}
${c}-page__filters{display:flex;flex-wrap:wrap;align-items:flex-end;gap:12px;margin-bottom:12px}
${c}-page__field{display:flex;flex-direction:column;gap:4px;min-width:140px}
${c}-page__field--grow{flex:1;min-width:200px}
${c}-page__field--commander{min-width:200px;position:relative}
${c}-page__field--commander ${c}-picker__list{position:absolute;top:100%;left:0;right:0;z-index:10}
${c}-page__label{font-size:12px;line-height:16px;font-weight:600;color:rgba(${fgRGB},0.72)}
${c}-page__commander{display:flex;align-items:center;gap:4px}
${c}-page__choose{text-align:left;cursor:pointer;min-width:140px}
${c}-page__table-wrap{overflow-x:auto;border:1px solid rgba(${fgRGB},0.16);border-radius:4px}
${c}-page__table{width:100%;border-collapse:collapse;font-size:14px}
${c}-page__caption{caption-side:top;text-align:left;padding:10px 12px;font-weight:600;border-bottom:1px solid rgba(${fgRGB},0.16)}
${c}-page__table th,${c}-page__table td{padding:8px 12px;text-align:left;vertical-align:middle;border-bottom:1px solid rgba(${fgRGB},0.08)}
${c}-page__table thead th{font-size:12px;line-height:16px;font-weight:600;color:rgba(${fgRGB},0.64);background:rgba(${fgRGB},0.04);white-space:nowrap}
${c}-page__table tbody tr{cursor:pointer}
${c}-page__table tbody tr:hover{background:rgba(${fgRGB},0.04)}
${c}-page__table tbody tr${c}-page__row--selected{background:rgba(${btnRGB},0.08);box-shadow:inset 3px 0 0 ${btn}}
${c}-page__table tbody th{font-weight:400}
${c}-page__name{padding:0;border:0;background:transparent;font:inherit;font-weight:600;color:${fg};text-align:left;cursor:pointer}
${c}-page__name:hover{color:var(--link-color, #386fe5);text-decoration:underline}
${c}-page__none{text-align:center!important;padding:24px!important}
${c}-page__pager{display:flex;align-items:center;justify-content:flex-end;gap:12px;margin-top:12px}
${c}-page__detail{flex:none;width:440px;max-width:50%;overflow-y:auto;padding:20px 24px;border-left:1px solid rgba(${fgRGB},0.16);background:${bg}}
${c}-page__detail-top{display:flex;align-items:flex-start;justify-content:space-between;gap:8px}
${c}-page__detail-title:focus{outline:none}
${c}-page__detail-title{display:flex;flex-direction:column;gap:2px;margin:0;font-size:18px;line-height:24px;font-weight:600;color:${fg}}
${c}-page__facts{display:grid;grid-template-columns:auto 1fr;gap:6px 16px;margin:16px 0 0}
${c}-page__facts dt{font-size:12px;font-weight:600;color:rgba(${fgRGB},0.64)}
${c}-page__facts dd{margin:0}
${c}-page__h3{margin:20px 0 8px;font-size:12px;line-height:16px;font-weight:600;letter-spacing:.02em;text-transform:uppercase;color:rgba(${fgRGB},0.64)}
${c}-page__h4{margin:12px 0 4px;font-size:14px;font-weight:600;color:${fg}}
${c}-page__summary{margin:0;white-space:pre-wrap;overflow-wrap:anywhere}
${c}-page__items{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:8px}
${c}-page__item{padding:8px 10px;border:1px solid rgba(${fgRGB},0.12);border-radius:4px}
${c}-page__item-top{display:flex;flex-wrap:wrap;align-items:baseline;gap:4px 8px}
${c}-page__item-title{font-weight:600;overflow-wrap:anywhere}
${c}-page__item-state{font-size:11px;font-weight:600;text-transform:uppercase;letter-spacing:.02em;padding:0 6px;border-radius:8px;background:rgba(${fgRGB},0.08);color:rgba(${fgRGB},0.72)}
${c}-page__item-state--done{background:rgba(${okRGB},0.16);color:${fg}}
${c}-page__history{margin:6px 0 0;padding-left:18px;color:rgba(${fgRGB},0.80)}
p${c}-page__history{padding-left:0}
${c}-page__timeline{list-style:none;margin:0;padding:0 0 0 12px;border-left:2px solid rgba(${fgRGB},0.16)}
${c}-page__timeline li{position:relative;display:flex;flex-direction:column;padding:0 0 12px 12px}
${c}-page__timeline li::before{content:"";position:absolute;left:-19px;top:6px;width:10px;height:10px;border-radius:50%;background:${bg};border:2px solid ${btn}}
${c}-page ${c}-user__name{font-weight:600}
${c}-cards__item{display:flex;flex-direction:column;gap:4px}
${c}-channel{display:flex;flex-wrap:wrap;align-items:center;gap:4px 8px;margin:4px 0 0;font-size:12px;line-height:16px}
${c}-cards__item>${c}-channel{padding:0 4px}
${c}-channel__link{color:var(--link-color, #386fe5);font-weight:600;text-decoration:none;overflow-wrap:anywhere}
${c}-channel__link:hover,${c}-channel__link:focus-visible{text-decoration:underline}
${c}-channel--private{display:block}
${c}-detail__title-row{display:flex;align-items:flex-start;justify-content:space-between;gap:8px}
${c}-edit-form{display:flex;flex-direction:column;gap:6px;margin-top:8px}
${c}-markdown{overflow-wrap:anywhere}
${c}-markdown p{margin:0 0 4px}
${c}-markdown p:last-child{margin-bottom:0}
${c}-markdown ul,${c}-markdown ol{margin:0 0 4px;padding-left:18px}
${c}-markdown a{color:var(--link-color, #386fe5)}
${c}-markdown code,${c}-code{padding:1px 4px;border-radius:3px;background:rgba(${fgRGB},0.08);font-family:Menlo,Consolas,"Liberation Mono",monospace;font-size:12px}
${c}-item__description{margin-top:2px;font-size:13px;line-height:18px;color:rgba(${fgRGB},0.80)}
${c}-item__command{display:flex;flex-direction:column;gap:2px;margin-top:4px}
${c}-item__command-row{display:flex;flex-wrap:wrap;align-items:center;gap:6px}
${c}-item__answer:empty{display:none}
${c}-item__actions{display:flex;flex-wrap:wrap;align-items:center;gap:2px 4px}
${c}-item__move-to{display:inline-flex;align-items:center;gap:4px}
${c}-item__move-to select{height:26px;max-width:160px;font-size:12px;padding:0 4px}
${c}-section__head{display:flex;align-items:center;justify-content:space-between;gap:4px}
${c}-section__head[hidden]{display:none}
${c}-section__head ${c}-section__heading{flex:1;min-width:0}
${c}-section__rename{display:flex;flex-wrap:wrap;align-items:center;gap:6px;padding:6px 0}
${c}-section__rename input{flex:1;min-width:120px}
${c}-conduct__extra{display:flex;flex-direction:column;gap:6px;margin-top:10px;padding-top:10px;border-top:1px solid rgba(${fgRGB},0.08)}
${c}-conduct__line{display:flex;flex-wrap:wrap;align-items:center;gap:4px 8px}
${c}-conduct__line>${c}-label{min-width:88px}
${c}-conduct__line select{height:26px;font-size:12px;padding:0 4px;width:auto}
${c}-conduct__impact-controls{display:flex;flex-wrap:wrap;align-items:center;gap:4px;width:100%}
${c}-conduct__impact-controls input{height:26px;font-size:12px;padding:0 4px;width:auto}
${c}-conduct__notice{margin:0;color:rgba(${fgRGB},0.80)}
${c}-conduct__notice:empty{display:none}
${c}-editor__description{display:flex;flex-direction:column;gap:2px;margin-top:4px}
${c}-editor__description textarea{min-height:44px;font-size:13px}
${c}-admin-setting{display:flex;flex-direction:column;gap:12px;max-width:640px;color:${fg};font-size:14px;line-height:20px}
${c}-admin-setting__team{display:flex;flex-wrap:wrap;gap:12px 24px;margin:0;padding:12px 16px;border:1px solid rgba(${fgRGB},0.16);border-radius:4px}
${c}-admin-setting__team>legend{padding:0 4px}
${c}-admin-setting__picker{display:flex;flex-direction:column;gap:4px;flex:1;min-width:220px}
${c}-admin-setting__current{display:flex;align-items:center;gap:4px;min-height:28px;overflow-wrap:anywhere}
${c}-admin-setting :focus-visible{outline:2px solid ${btn};outline-offset:1px}
`;

export const STYLE_ELEMENT_ID = `${CLS}-styles`;

export function injectStyles(): void {
    if (document.getElementById(STYLE_ELEMENT_ID)) {
        return;
    }
    const el = document.createElement('style');
    el.id = STYLE_ELEMENT_ID;
    el.textContent = css;
    document.head.appendChild(el);
}

export function removeStyles(): void {
    document.getElementById(STYLE_ELEMENT_ID)?.remove();
}
