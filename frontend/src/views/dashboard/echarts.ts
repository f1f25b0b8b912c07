// ECharts, tree-shaken: only the line, bar and pie charts, their grid, tooltip and legend, and
// the canvas renderer (no SVG, no maps). This file is imported by the charts' chunk only, so
// the home page loads it lazily, and only for a holder of perm:monitor:get.
import { use } from 'echarts/core'
import { CanvasRenderer } from 'echarts/renderers'
import { BarChart, LineChart, PieChart } from 'echarts/charts'
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components'

use([CanvasRenderer, LineChart, BarChart, PieChart, GridComponent, LegendComponent, TooltipComponent])
