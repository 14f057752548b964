{% macro script(this, kwargs) %}
(function (layer) {
    // The card pans into view clear of the zoom buttons and the north arrow; on a phone-wide map it
    // takes the full width and is shorter, and the map's controls step aside while it is open (map.css).
    var PAD = window.innerWidth < 500 ? [[8, 8], [8, 16], 250] : [[60, 16], [52, 16], 360];
    layer.feature = {"type": "Feature", "properties": {{ this.props_json }}};
    {%- if this.tooltip_json %}
    layer.bindTooltip({{ this.tooltip_json }},
        {"direction": "top", "offset": [0, -12], "className": "atlas-tip-box"});
    {%- endif %}
    {%- if this.popup_json %}
    layer.bindPopup({{ this.popup_json }},
        {"maxWidth": 340, "minWidth": 230, "maxHeight": PAD[2], "autoPanPaddingTopLeft": PAD[0], "autoPanPaddingBottomRight": PAD[1]});
    {%- endif %}
})({{ this._parent.get_name() }});
{% endmacro %}
